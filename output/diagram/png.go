package diagram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"

	"codeberg.org/go-fonts/liberation/liberationmonobold"
	"codeberg.org/go-fonts/liberation/liberationmonobolditalic"
	"codeberg.org/go-fonts/liberation/liberationmonoitalic"
	"codeberg.org/go-fonts/liberation/liberationmonoregular"
	"codeberg.org/go-fonts/liberation/liberationsansbold"
	"codeberg.org/go-fonts/liberation/liberationsansbolditalic"
	"codeberg.org/go-fonts/liberation/liberationsansitalic"
	"codeberg.org/go-fonts/liberation/liberationsansregular"
	"codeberg.org/go-fonts/liberation/liberationserifbold"
	"codeberg.org/go-fonts/liberation/liberationserifbolditalic"
	"codeberg.org/go-fonts/liberation/liberationserifitalic"
	"codeberg.org/go-fonts/liberation/liberationserifregular"
	"git.sr.ht/~sbinet/gg"
	"github.com/goccy/go-graphviz"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
)

// PNG resolution: pngScale pixels per point (2 is 144 dpi), reduced for
// large diagrams so that the image stays within pngMaxPixels, but never
// below pngMinScale: at 1 pixel per point (72 dpi) the diagrams' smallest
// labels, 8 points, are 8 pixels tall, the least a sans-serif font can be
// read at. A diagram that would need less is refused (TooLargeError).
const (
	pngScale     = 2.0
	pngMinScale  = 1.0
	pngMaxPixels = 40e6
)

// TooLargeError is RenderPNG's refusal of a diagram that fits in
// pngMaxPixels only with labels too small to read.
type TooLargeError struct {
	Width, Height float64 // the diagram's size in points
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the diagram is %s × %s points: a PNG of it would be %.0f megapixels at 72 dpi, the least at which its labels can be read, more than the %.0f allowed; it is not shrunk further",
		thousands(int64(math.Ceil(e.Width))), thousands(int64(math.Ceil(e.Height))),
		e.Width*e.Height*pngMinScale*pngMinScale/1e6, pngMaxPixels/1e6)
}

// RenderPNG lays out the DOT text dot with Graphviz and writes the diagram
// to w as a PNG image at 144 dpi, less for large diagrams but never less
// than 72 dpi: a diagram too large for that is refused with a
// *TooLargeError.
//
// Graphviz lays the diagram out and returns its JSON output, whose _draw_,
// _ldraw_, _hdraw_, _tdraw_, _hldraw_ and _tldraw_ attributes hold the
// xdot drawing operations of every cluster, node and edge
// (https://graphviz.org/docs/outputs/canon/#xdot); RenderPNG paints those
// operations with gg and the Liberation fonts (metric-compatible with
// Helvetica, Times and Courier, which Graphviz measures text with). Images
// and gradients other than a plain colour are not drawn.
func RenderPNG(dot []byte, w io.Writer) error {
	return RenderPNGContext(context.Background(), dot, w)
}

// RenderPNGContext is RenderPNG that gives up when ctx is done, returning
// ctx's error and writing nothing.
func RenderPNGContext(ctx context.Context, dot []byte, w io.Writer) error {
	return Renderer{}.PNG(ctx, dot, w)
}

// PNG is RenderPNGContext, laid out where r says. The painting is done in
// this process, in a goroutine abandoned when ctx is done: a large diagram
// takes seconds to paint and encode.
func (r Renderer) PNG(ctx context.Context, dot []byte, w io.Writer) error {
	var js bytes.Buffer
	if err := r.layout(ctx, dot, graphviz.Format("json"), &js); err != nil {
		return err
	}
	var png bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- paintPNG(js.Bytes(), &png) }()
	select {
	case err := <-done:
		if err != nil {
			return err
		}
		_, err = w.Write(png.Bytes())
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// paintPNG paints Graphviz's JSON output js and encodes it as PNG to w.
func paintPNG(js []byte, w io.Writer) error {
	var g xdotGraph
	if err := json.Unmarshal(js, &g); err != nil {
		return fmt.Errorf("graphviz json: %w", err)
	}
	dc, err := paint(&g)
	if err != nil {
		return err
	}
	return dc.EncodePNG(w)
}

// xdotGraph is the part of Graphviz's JSON output that RenderPNG draws.
type xdotGraph struct {
	BB          string       `json:"bb"`
	Draw        []xdotOp     `json:"_draw_"`
	LDraw       []xdotOp     `json:"_ldraw_"`
	SubgraphCnt int          `json:"_subgraph_cnt"`
	Objects     []xdotObject `json:"objects"`
	Edges       []xdotObject `json:"edges"`
}

// xdotObject is a cluster, node or edge with its drawing operations.
type xdotObject struct {
	Draw   []xdotOp `json:"_draw_"`
	LDraw  []xdotOp `json:"_ldraw_"`
	HDraw  []xdotOp `json:"_hdraw_"`
	TDraw  []xdotOp `json:"_tdraw_"`
	HLDraw []xdotOp `json:"_hldraw_"`
	TLDraw []xdotOp `json:"_tldraw_"`
}

// xdotOp is one xdot operation in Graphviz's JSON form.
type xdotOp struct {
	Op       string       `json:"op"`
	Color    string       `json:"color"`
	Grad     string       `json:"grad"`
	Stops    []xdotStop   `json:"stops"`
	Points   [][2]float64 `json:"points"`
	Rect     [4]float64   `json:"rect"` // ellipse: centre x, y and semi-axes
	Pt       [2]float64   `json:"pt"`
	Align    string       `json:"align"`
	Width    float64      `json:"width"`
	Text     string       `json:"text"`
	Size     float64      `json:"size"`
	Face     string       `json:"face"`
	Style    string       `json:"style"`
	FontChar int          `json:"fontchar"`
}

type xdotStop struct {
	Frac  float64 `json:"frac"`
	Color string  `json:"color"`
}

// painter holds the drawing state of the xdot operations being painted.
type painter struct {
	dc        *gg.Context
	scale     float64
	x0, y1    float64 // the page's left and top in points
	pen, fill color.Color
	width     float64 // line width in points
	dash      string  // "", "dashed" or "dotted"
	fontSize  float64
	fontFace  string
	fontFlags int
	faces     map[faceKey]font.Face
}

type faceKey struct {
	font *opentype.Font
	size float64
}

func paint(g *xdotGraph) (*gg.Context, error) {
	// The page is the graph's bounding box grown by the background polygon,
	// which includes the pad.
	var x0, y0, x1, y1 float64
	if _, err := fmt.Sscanf(g.BB, "%g,%g,%g,%g", &x0, &y0, &x1, &y1); err != nil {
		return nil, fmt.Errorf("graphviz json: bounding box %q: %w", g.BB, err)
	}
	for _, op := range g.Draw {
		for _, p := range op.Points {
			x0, y0 = min(x0, p[0]), min(y0, p[1])
			x1, y1 = max(x1, p[0]), max(y1, p[1])
		}
	}
	scale := pngScale
	if area := (x1 - x0) * (y1 - y0) * scale * scale; area > pngMaxPixels {
		scale *= math.Sqrt(pngMaxPixels / area)
	}
	if scale < pngMinScale {
		return nil, &TooLargeError{Width: x1 - x0, Height: y1 - y0}
	}
	wpx, hpx := int(math.Ceil((x1-x0)*scale)), int(math.Ceil((y1-y0)*scale))
	if wpx < 1 || hpx < 1 {
		return nil, fmt.Errorf("graphviz json: empty bounding box %q", g.BB)
	}
	p := &painter{dc: gg.NewContext(wpx, hpx), scale: scale, x0: x0, y1: y1, faces: make(map[faceKey]font.Face)}
	p.dc.SetColor(color.White)
	p.dc.Clear()

	// Graphviz's own order: the graph, then clusters, nodes, and edges
	// (with arrowheads and labels) over them.
	p.ops(g.Draw)
	p.ops(g.LDraw)
	for i := range g.Objects {
		if i < g.SubgraphCnt {
			p.ops(g.Objects[i].Draw)
			p.ops(g.Objects[i].LDraw)
		}
	}
	for i := range g.Objects {
		if i >= g.SubgraphCnt {
			p.ops(g.Objects[i].Draw)
			p.ops(g.Objects[i].LDraw)
		}
	}
	for _, e := range g.Edges {
		for _, list := range [][]xdotOp{e.Draw, e.HDraw, e.TDraw, e.LDraw, e.HLDraw, e.TLDraw} {
			p.ops(list)
		}
	}
	return p.dc, nil
}

// pt converts a Graphviz point (y up) to pixels (y down).
func (p *painter) pt(q [2]float64) (float64, float64) {
	return (q[0] - p.x0) * p.scale, (p.y1 - q[1]) * p.scale
}

// ops paints one attribute's list of operations; each list starts from
// Graphviz's defaults.
func (p *painter) ops(list []xdotOp) {
	p.pen, p.fill = color.Black, color.Black
	p.width, p.dash = 1, ""
	p.fontSize, p.fontFace, p.fontFlags = 14, "Times-Roman", 0
	for i := range list {
		p.op(&list[i])
	}
}

func (p *painter) op(op *xdotOp) {
	switch op.Op {
	case "c":
		p.pen = opColor(op)
	case "C":
		p.fill = opColor(op)
	case "S":
		p.style(op.Style)
	case "F":
		p.fontSize, p.fontFace = op.Size, op.Face
	case "t":
		p.fontFlags = op.FontChar
	case "E", "e":
		x, y := p.pt([2]float64{op.Rect[0], op.Rect[1]})
		p.dc.DrawEllipse(x, y, op.Rect[2]*p.scale, op.Rect[3]*p.scale)
		p.finish(op.Op == "E")
	case "P", "p", "L":
		for i, q := range op.Points {
			x, y := p.pt(q)
			if i == 0 {
				p.dc.MoveTo(x, y)
			} else {
				p.dc.LineTo(x, y)
			}
		}
		if op.Op != "L" {
			p.dc.ClosePath()
		}
		p.finish(op.Op == "P")
	case "B", "b":
		// A B-spline in Bézier form: a start point, then three points per
		// cubic segment.
		if len(op.Points) == 0 {
			return
		}
		p.dc.MoveTo(p.pt(op.Points[0]))
		for i := 1; i+2 < len(op.Points); i += 3 {
			x1, y1 := p.pt(op.Points[i])
			x2, y2 := p.pt(op.Points[i+1])
			x3, y3 := p.pt(op.Points[i+2])
			p.dc.CubicTo(x1, y1, x2, y2, x3, y3)
		}
		if op.Op == "B" {
			p.dc.ClosePath()
		}
		p.finish(op.Op == "B")
	case "T":
		p.text(op)
	}
	// "I" (images) is not drawn: domino's diagrams have none.
}

// finish fills (when filled) and strokes the current path.
func (p *painter) finish(filled bool) {
	if filled && !transparent(p.fill) {
		p.dc.SetColor(p.fill)
		p.dc.FillPreserve()
	}
	if transparent(p.pen) {
		p.dc.ClearPath()
		return
	}
	p.dc.SetColor(p.pen)
	p.dc.SetLineWidth(p.width * p.scale)
	// The dash patterns of Graphviz's SVG renderer, in points.
	switch p.dash {
	case "dashed":
		p.dc.SetDash(5*p.scale, 2*p.scale)
	case "dotted":
		p.dc.SetDash(1*p.scale, 5*p.scale)
	default:
		p.dc.SetDash()
	}
	p.dc.Stroke()
	p.dc.SetDash()
}

func (p *painter) style(s string) {
	switch {
	case s == "solid":
		p.dash = ""
	case s == "dashed", s == "dotted":
		p.dash = s
	case s == "bold":
		p.width = 2
	case strings.HasPrefix(s, "setlinewidth(") && strings.HasSuffix(s, ")"):
		if w, err := strconv.ParseFloat(s[len("setlinewidth("):len(s)-1], 64); err == nil {
			p.width = w
		}
	}
	// Other styles (rounded, filled, ...) are already in the geometry.
}

func (p *painter) text(op *xdotOp) {
	if op.Text == "" || transparent(p.pen) {
		return
	}
	f := fontFor(p.fontFace, p.fontFlags)
	size := p.fontSize * p.scale
	key := faceKey{f, size}
	face := p.faces[key]
	if face == nil {
		var err error
		face, err = opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			return // cannot happen for the embedded fonts at a positive size
		}
		p.faces[key] = face
	}
	p.dc.SetFontFace(face)
	w, _ := p.dc.MeasureString(op.Text)
	x, y := p.pt(op.Pt)
	switch op.Align {
	case "c":
		x -= w / 2
	case "r":
		x -= w
	}
	p.dc.SetColor(p.pen)
	p.dc.DrawString(op.Text, x, y)
}

// fonts parsed once from the embedded Liberation TTFs.
var (
	fontsOnce sync.Once
	fonts     map[string]*opentype.Font
)

func loadFonts() {
	fonts = make(map[string]*opentype.Font)
	for name, ttf := range map[string][]byte{
		"sans":     liberationsansregular.TTF,
		"sans-b":   liberationsansbold.TTF,
		"sans-i":   liberationsansitalic.TTF,
		"sans-bi":  liberationsansbolditalic.TTF,
		"serif":    liberationserifregular.TTF,
		"serif-b":  liberationserifbold.TTF,
		"serif-i":  liberationserifitalic.TTF,
		"mono":     liberationmonoregular.TTF,
		"mono-b":   liberationmonobold.TTF,
		"serif-bi": liberationserifbolditalic.TTF,
		"mono-i":   liberationmonoitalic.TTF,
		"mono-bi":  liberationmonobolditalic.TTF,
	} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			panic("output: embedded font " + name + ": " + err.Error())
		}
		fonts[name] = f
	}
}

// fontFor picks the Liberation font for a Graphviz font name and the xdot
// font flags (1 bold, 2 italic).
func fontFor(face string, flags int) *opentype.Font {
	fontsOnce.Do(loadFonts)
	lower := strings.ToLower(face)
	family := "sans"
	switch {
	case strings.Contains(lower, "times"), strings.Contains(lower, "serif") && !strings.Contains(lower, "sans"):
		family = "serif"
	case strings.Contains(lower, "courier"), strings.Contains(lower, "mono"):
		family = "mono"
	}
	bold := flags&1 != 0 || strings.Contains(lower, "bold")
	italic := flags&2 != 0 || strings.Contains(lower, "italic") || strings.Contains(lower, "oblique")
	switch {
	case bold && italic:
		family += "-bi"
	case bold:
		family += "-b"
	case italic:
		family += "-i"
	}
	return fonts[family]
}

// opColor returns the colour of a "c" or "C" operation; a gradient is drawn
// as its first stop.
func opColor(op *xdotOp) color.Color {
	s := op.Color
	if op.Grad != "" && op.Grad != "none" && len(op.Stops) > 0 {
		s = op.Stops[0].Color
	}
	return parseColor(s)
}

// parseColor parses the "#rrggbb" and "#rrggbbaa" colours of xdot output;
// anything else (Graphviz resolves colour names before writing xdot) is
// black, or transparent for "none" and "transparent".
func parseColor(s string) color.Color {
	switch strings.ToLower(s) {
	case "none", "transparent":
		return color.NRGBA{}
	case "white":
		return color.White
	}
	if !strings.HasPrefix(s, "#") || (len(s) != 7 && len(s) != 9) {
		return color.Black
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return color.Black
	}
	if len(s) == 7 {
		return color.NRGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
	}
	return color.NRGBA{uint8(v >> 24), uint8(v >> 16), uint8(v >> 8), uint8(v)}
}

func transparent(c color.Color) bool {
	_, _, _, a := c.RGBA()
	return a == 0
}
