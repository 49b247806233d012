package chart

import (
	"bytes"
	"cmp"
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/sim"
)

// Formats lists the image formats of the plots: SVG (drawn by gonum's
// vgsvg) and PNG (rasterised by vgimg).
var Formats = []string{"svg", "png"}

// FormatFor returns the plot format a file name's extension implies
// (".svg" or ".png", any case), or "" when it implies none.
func FormatFor(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".svg":
		return "svg"
	case ".png":
		return "png"
	}
	return ""
}

// Options sets what every plot shares.
type Options struct {
	// Format is one of Formats.
	Format string
	// Title replaces the plot's default title when not "".
	Title string
	// Labels name the series, one per results in the order given; nil
	// names each by its scenario id.
	Labels []string
}

// Sizes of the figures and of their text, in points and inches. The PNG
// resolution makes a 9-inch-wide figure 1350 pixels wide: sharp on a high-
// density screen, still light enough for a README.
const (
	plotWidth   = 9 * vg.Inch
	plotDPI     = 150
	plotMargin  = 0.18 * vg.Inch
	titleSize   = 15
	subSize     = 10.5
	labelSize   = 11.5
	tickSize    = 10
	legendSize  = 10.5
	lineWidth   = 1.6
	bandOpacity = 0.16
	maxLabel    = 40 // runes of a series name in the legend
)

// Series colours: the Okabe–Ito palette, which stays distinct under the
// common colour-vision deficiencies (Okabe & Ito, "Color Universal
// Design", 2002), in an order that puts the strongest contrasts first.
// Beyond its length, colours repeat with dashed lines.
var seriesColors = []color.NRGBA{
	{0x00, 0x72, 0xB2, 0xff}, // blue
	{0xD5, 0x5E, 0x00, 0xff}, // vermillion
	{0x00, 0x9E, 0x73, 0xff}, // bluish green
	{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
	{0xE6, 0x9F, 0x00, 0xff}, // orange
	{0x56, 0xB4, 0xE9, 0xff}, // sky blue
	{0x33, 0x33, 0x33, 0xff}, // near black
}

var (
	gridColor = color.NRGBA{0xdd, 0xdd, 0xdd, 0xff}
	textColor = color.NRGBA{0x22, 0x22, 0x22, 0xff}
	subColor  = color.NRGBA{0x55, 0x55, 0x55, 0xff}
	keyColor  = color.NRGBA{0x66, 0x66, 0x66, 0xff}

	sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	boldFont = font.Font{Typeface: "Liberation", Variant: "Sans", Weight: xfont.WeightBold}
)

func seriesColor(i int) color.NRGBA { return seriesColors[i%len(seriesColors)] }

func seriesDashes(i int) []vg.Length {
	if i/len(seriesColors)%2 == 1 {
		return []vg.Length{vg.Points(6), vg.Points(3)}
	}
	return nil
}

func withAlpha(c color.NRGBA, a float64) color.NRGBA {
	c.A = uint8(math.Round(255 * a))
	return c
}

func textStyle(f font.Font, size vg.Length, c color.Color) text.Style {
	return text.Style{Color: c, Font: font.From(f, size), Handler: plot.DefaultTextHandler}
}

// newPanel returns a plot styled like every domino plot: sans-serif text,
// no title of its own (the figure has one), light grid behind the data.
func newPanel() *plot.Plot {
	p := plot.New()
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		// Keep gonum's alignments: only the fonts and colours change.
		a.Label.TextStyle.Font = font.From(sansFont, labelSize)
		a.Label.TextStyle.Color = textColor
		a.Tick.Label.Font = font.From(sansFont, tickSize)
		a.Tick.Label.Color = textColor
		a.Color, a.Tick.Color = subColor, subColor
		a.Tick.Length = vg.Points(5)
	}
	p.Legend.TextStyle = textStyle(sansFont, legendSize, textColor)
	return p
}

// addGrid adds grid lines at the major ticks of the chosen axes, drawn
// before (under) the data.
func addGrid(p *plot.Plot, vertical, horizontal bool) {
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = gridColor, gridColor
	g.Vertical.Width, g.Horizontal.Width = vg.Points(0.6), vg.Points(0.6)
	if !vertical {
		g.Vertical.Width = 0
	}
	if !horizontal {
		g.Horizontal.Width = 0
	}
	p.Add(g)
}

// figure is a page: a title and a subtitle across the top, panels stacked
// below with their data areas aligned, and a legend in a column on the right
// (outside the data, so it never hides a curve).
type figure struct {
	title, subtitle string
	panels          []*plot.Plot
	weights         []float64 // relative panel heights; nil: equal
	legend          *plot.Legend
	legendInside    bool // top right of the last panel's data area, on a white box
	height          vg.Length
}

func (f *figure) draw(dc draw.Canvas) {
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())

	area := draw.Crop(dc, plotMargin, -plotMargin, plotMargin, -plotMargin)
	top := area.Max.Y
	ts := textStyle(boldFont, titleSize, textColor)
	ts.YAlign = draw.YTop
	dc.FillText(ts, vg.Point{X: area.Min.X, Y: top}, f.title)
	top -= ts.Height(f.title) + vg.Points(4)
	if f.subtitle != "" {
		ss := textStyle(sansFont, subSize, subColor)
		ss.YAlign = draw.YTop
		dc.FillText(ss, vg.Point{X: area.Min.X, Y: top}, f.subtitle)
		top -= ss.Height(f.subtitle)
	}
	top -= vg.Points(10)
	area.Max.Y = top

	if f.legend != nil && !f.legendInside {
		r := f.legend.Rectangle(area)
		w := r.Max.X - r.Min.X + vg.Points(14)
		lc := area
		lc.Min.X = area.Max.X - w + vg.Points(14)
		lc.Max.Y -= vg.Points(6)
		f.legend.Draw(lc)
		area.Max.X -= w
	}

	rows := make([][]*plot.Plot, len(f.panels))
	for i, p := range f.panels {
		rows[i] = []*plot.Plot{p}
	}
	if f.weights == nil {
		tiles := draw.Tiles{Rows: len(f.panels), Cols: 1, PadY: vg.Points(12)}
		var last draw.Canvas
		for i, c := range plot.Align(rows, tiles, area) {
			f.panels[i].Draw(c[0])
			last = c[0]
		}
		if f.legend != nil && f.legendInside {
			drawLegendBox(f.legend, f.panels[len(f.panels)-1].DataCanvas(last))
		}
		return
	}
	// Unequal heights: draw each panel in its own band of the area.
	var total float64
	for _, w := range f.weights {
		total += w
	}
	h := area.Max.Y - area.Min.Y - vg.Points(12)*vg.Length(len(f.panels)-1)
	y := area.Max.Y
	for i, p := range f.panels {
		c := area
		c.Max.Y = y
		c.Min.Y = y - h*vg.Length(f.weights[i]/total)
		p.Draw(c)
		y = c.Min.Y - vg.Points(12)
	}
}

// drawLegendBox draws l in the top right corner of the data area dc, on a
// nearly opaque white box with a light border.
func drawLegendBox(l *plot.Legend, dc draw.Canvas) {
	const pad = 6
	r := l.Rectangle(dc)
	w, h := r.Max.X-r.Min.X+2*pad, r.Max.Y-r.Min.Y+2*pad
	box := vg.Rectangle{
		Min: vg.Point{X: dc.Max.X - w - pad, Y: dc.Max.Y - h - pad},
		Max: vg.Point{X: dc.Max.X - pad, Y: dc.Max.Y - pad},
	}
	dc.SetColor(color.NRGBA{0xff, 0xff, 0xff, 0xe6})
	dc.Fill(box.Path())
	dc.SetLineStyle(draw.LineStyle{Color: gridColor, Width: vg.Points(0.8)})
	dc.Stroke(box.Path())
	inner := dc
	inner.Rectangle = vg.Rectangle{
		Min: vg.Point{X: box.Min.X + pad, Y: box.Min.Y + pad},
		Max: vg.Point{X: box.Max.X - pad, Y: box.Max.Y - pad},
	}
	l.Draw(inner)
}

// write renders the figure as format to w.
func (f *figure) write(w io.Writer, format string) error {
	switch format {
	case "svg":
		c := vgsvg.New(plotWidth, f.height)
		f.draw(draw.New(c))
		var buf bytes.Buffer
		if _, err := c.WriteTo(&buf); err != nil {
			return err
		}
		// vgsvg names the font without a fallback, and does not embed it
		// (that would add ~400 kB per face). Arial and Helvetica have the
		// same metrics as Liberation Sans, so text laid out for it still
		// fits where it is missing.
		svg := bytes.ReplaceAll(buf.Bytes(), []byte("font-family:Liberation Sans;"), []byte(svgFontFamily))
		_, err := w.Write(svg)
		return err
	case "png":
		c := vgimg.NewWith(vgimg.UseWH(plotWidth, f.height), vgimg.UseDPI(plotDPI))
		f.draw(draw.New(c))
		_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
		return err
	}
	return fmt.Errorf("unknown plot format %q (want %s)", format, strings.Join(Formats, " or "))
}

const svgFontFamily = "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"

func newLegend() *plot.Legend {
	l := plot.NewLegend()
	l.TextStyle = textStyle(sansFont, legendSize, textColor)
	l.Top, l.Left = true, true
	l.ThumbnailWidth = vg.Points(24)
	l.Padding = vg.Points(3)
	return &l
}

// seriesLabels returns the names of the series: opt.Labels, else the
// scenario ids, shortened to fit the legend.
func seriesLabels(rs []*sim.Results, opt Options) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		s := r.Scenario
		if i < len(opt.Labels) && opt.Labels[i] != "" {
			s = opt.Labels[i]
		}
		if s == "" {
			s = fmt.Sprintf("results %d", i+1)
		}
		if rs := []rune(s); len(rs) > maxLabel {
			s = string(rs[:maxLabel-1]) + "…"
		}
		out[i] = s
	}
	return out
}

// platformSuffix returns " — NAME" when every results file names the same
// platform, else "".
func platformSuffix(rs []*sim.Results) string {
	name := rs[0].Platform
	for _, r := range rs[1:] {
		if r.Platform != name {
			return ""
		}
	}
	if name == "" {
		return ""
	}
	return " — " + name
}

// Recovery draws the recovery curves of docs/model.md §8: for each results,
// the mean share of users served (top panel) and of services up (bottom
// panel) over time, each with its 10th–90th percentile band shaded. Time is
// in hours, or in days when the longest horizon exceeds three days.
func Recovery(w io.Writer, rs []*sim.Results, opt Options) error {
	if len(rs) == 0 {
		return fmt.Errorf("plot recovery: no results")
	}
	labels := seriesLabels(rs, opt)
	var horizon int64
	for i, r := range rs {
		c := r.Curve
		n := len(c.TMs)
		if n < 2 {
			return fmt.Errorf("plot recovery: %s has no recovery curve", labels[i])
		}
		for _, b := range []sim.Band{c.UsersServed, c.ServicesUp} {
			if len(b.Mean) != n || len(b.P10) != n || len(b.P90) != n {
				return fmt.Errorf("plot recovery: %s: curve bands have %d, %d, %d points for %d times",
					labels[i], len(b.Mean), len(b.P10), len(b.P90), n)
			}
		}
		horizon = max(horizon, c.TMs[n-1], r.HorizonMs)
	}
	axis := timeAxisFor(horizon)

	users, services := newPanel(), newPanel()
	users.Y.Label.Text = "users served"
	services.Y.Label.Text = "services up"
	services.X.Label.Text = axis.label
	for _, p := range []*plot.Plot{users, services} {
		addGrid(p, true, true)
		p.X.Min, p.X.Max = 0, float64(horizon)/axis.unitMs
		p.X.Tick.Marker = axis
		p.Y.Min, p.Y.Max = 0, 100
		p.Y.Tick.Marker = percentTicks{}
	}
	users.X.Tick.Marker = blankLabels{axis}

	// One results of run --uncertainty: the band is the spread of the
	// mean curve over the draws of the uncertain inputs (docs/model.md
	// §14), around the nominal run's mean.
	outer := len(rs) == 1 && rs[0].Uncertainty != nil
	bands := func(r *sim.Results) (users, services sim.Band) {
		users, services = r.Curve.UsersServed, r.Curve.ServicesUp
		if outer {
			u := r.Uncertainty.Curve
			users = sim.Band{Mean: users.Mean, P10: u.UsersServed.P5, P90: u.UsersServed.P95}
			services = sim.Band{Mean: services.Mean, P10: u.ServicesUp.P5, P90: u.ServicesUp.P95}
		}
		return users, services
	}
	if outer {
		u := rs[0].Uncertainty.Curve
		n := len(rs[0].Curve.TMs)
		for _, b := range []sim.OuterBand{u.UsersServed, u.ServicesUp} {
			if len(b.P5) != n || len(b.P95) != n {
				return fmt.Errorf("plot recovery: %s: the uncertainty bands have %d and %d points for %d times", labels[0], len(b.P5), len(b.P95), n)
			}
		}
	}

	legend := newLegend()
	// means[p][i] is series i's mean curve on panel p, for finding where a
	// later series runs on an earlier one: drawn over it, it would hide it.
	var means [2][]plotter.XYs
	anyShared := false
	for i, r := range rs {
		col := seriesColor(i)
		// Earlier series get wider lines, so that a later one drawn over
		// an identical curve leaves it visible at the edges.
		width := vg.Points(lineWidth + 0.5*float64(min(len(rs)-1-i, 3)))
		var thumbs []plot.Thumbnailer
		sameAs := -1 // an earlier series whose curves this one matches everywhere
		ub, sb := bands(r)
		for p, pb := range []struct {
			p *plot.Plot
			b sim.Band
		}{{users, ub}, {services, sb}} {
			band, line := bandPlotters(r.Curve.TMs, pb.b, axis.unitMs, col, width, seriesDashes(i))
			shared, whole := coincide(line.XYs, means[p])
			means[p] = append(means[p], line.XYs)
			pb.p.Add(band)
			pb.p.Add(meanLines(line, shared, i)...)
			thumbs = []plot.Thumbnailer{band, line}
			switch {
			case p == 0:
				sameAs = whole
			case whole != sameAs:
				sameAs = -1
			}
			anyShared = anyShared || slices.Contains(shared, true)
		}
		label := labels[i]
		if sameAs >= 0 {
			label += " (same as " + labels[sameAs] + ")"
		}
		legend.Add(label, thumbs...)
	}
	subtitle := "mean over trials (line); shaded: 10th to 90th percentile across trials" + sharedNote(anyShared)
	if outer {
		subtitle = fmt.Sprintf("mean over trials, inputs nominal (line); shaded: 5th to 95th percentile of the mean over %s draws of %d uncertain inputs",
			output.Count(float64(rs[0].Uncertainty.Draws)), len(rs[0].Uncertainty.Inputs))
	}

	f := &figure{
		title:    cmp.Or(opt.Title, "Recovery"+platformSuffix(rs)),
		subtitle: subtitle,
		panels:   []*plot.Plot{users, services},
		legend:   legend,
		height:   6.5 * vg.Inch,
	}
	return f.write(w, opt.Format)
}

// sharedNote is what a plot's subtitle adds when some line runs on an
// earlier one and is dashed so that both show.
func sharedNote(shared bool) string {
	if shared {
		return "; dashed where a line runs on an earlier one"
	}
	return ""
}

// overlapTol is how close two mean curves must be, in percentage points,
// at both ends of a segment to be drawn as one: about the width of a line
// on a panel.
const overlapTol = 0.5

// coincide returns for each segment of xy, from point j to j+1, whether
// one of the earlier curves runs within overlapTol of it at both ends; and
// the first earlier curve that it follows over its whole length, or -1.
func coincide(xy plotter.XYs, earlier []plotter.XYs) (shared []bool, whole int) {
	shared = make([]bool, max(len(xy)-1, 0))
	whole = -1
	for k, e := range earlier {
		// On the same grid (same horizon, or the same histogram bins),
		// compare point by point: a step's two points share an x.
		grid := len(e) == len(xy)
		for j := 0; grid && j < len(xy); j++ {
			grid = e[j].X == xy[j].X
		}
		near := make([]bool, len(xy))
		all := true
		for j, p := range xy {
			y, ok := e[min(j, len(e)-1)].Y, grid
			if !grid {
				y, ok = valueAt(e, p.X)
			}
			near[j] = ok && math.Abs(y-p.Y) <= overlapTol
			all = all && near[j]
		}
		for j := range shared {
			shared[j] = shared[j] || near[j] && near[j+1]
		}
		if all && whole < 0 && len(e) > 0 && e[len(e)-1].X == xy[len(xy)-1].X {
			whole = k
		}
	}
	return shared, whole
}

// valueAt returns the polyline xy (x increasing) at x, linearly
// interpolated; ok is false outside its range. At a vertical step (two
// points at one x) it is the value after the step.
func valueAt(xy plotter.XYs, x float64) (y float64, ok bool) {
	j := sort.Search(len(xy), func(j int) bool { return xy[j].X > x })
	switch {
	case j == 0:
		return 0, false
	case j == len(xy):
		if xy[j-1].X == x {
			return xy[j-1].Y, true
		}
		return 0, false
	}
	a, b := xy[j-1], xy[j]
	return a.Y + (b.Y-a.Y)*(x-a.X)/(b.X-a.X), true
}

// meanLines returns the mean curve line of series i cut into runs: solid
// (line's style) where it stands alone, dashed where shared says it runs on
// an earlier series, with the dashes of each series at their own phase, so
// that every colour shows along a stretch that several curves share.
func meanLines(line *plotter.Line, shared []bool, i int) []plot.Plotter {
	var out []plot.Plotter
	for a := 0; a < len(shared); {
		b := a
		for b < len(shared) && shared[b] == shared[a] {
			b++
		}
		run := &plotter.Line{XYs: line.XYs[a : b+1], LineStyle: line.LineStyle}
		if shared[a] {
			dash := vg.Points(5)
			run.Dashes = []vg.Length{dash, dash * vg.Length(i)}
			run.DashOffs = dash * vg.Length(i-1)
		}
		out = append(out, run)
		a = b
	}
	if len(out) == 0 {
		out = append(out, line)
	}
	return out
}

// bandPlotters returns the shaded p10–p90 band and the mean line of one
// curve, x in units of unitMs and y in percent.
func bandPlotters(tms []int64, b sim.Band, unitMs float64, col color.NRGBA, width vg.Length, dashes []vg.Length) (*plotter.Polygon, *plotter.Line) {
	n := len(tms)
	mean := make(plotter.XYs, n)
	ring := make(plotter.XYs, 0, 2*n)
	for i, t := range tms {
		x := float64(t) / unitMs
		mean[i] = plotter.XY{X: x, Y: 100 * b.Mean[i]}
		ring = append(ring, plotter.XY{X: x, Y: 100 * b.P90[i]})
	}
	for i := n - 1; i >= 0; i-- {
		ring = append(ring, plotter.XY{X: float64(tms[i]) / unitMs, Y: 100 * b.P10[i]})
	}
	band, err := plotter.NewPolygon(ring)
	if err != nil {
		panic("output: band polygon: " + err.Error()) // the points are finite by construction
	}
	band.Color = withAlpha(col, bandOpacity)
	band.LineStyle.Width = 0
	line, err := plotter.NewLine(mean)
	if err != nil {
		panic("output: mean line: " + err.Error())
	}
	line.Color = col
	line.Width = width
	line.Dashes = dashes
	return band, line
}

// timeAxis marks a time axis in hours or days with round steps.
type timeAxis struct {
	unitMs       float64 // milliseconds per axis unit
	label        string
	major, minor float64 // steps in axis units; minor 0: none
}

// timeAxisFor picks the unit and the steps for an axis from 0 to horizonMs:
// days beyond three days, else hours; about 4 to 12 major ticks.
func timeAxisFor(horizonMs int64) timeAxis {
	if horizonMs > 3*graph.Day {
		a := timeAxis{unitMs: float64(graph.Day), label: "time (days)"}
		days := float64(horizonMs) / float64(graph.Day)
		for _, s := range []float64{1, 2, 5, 7, 14, 30, 60, 90, 180, 365} {
			a.major = s
			if days/s <= 12 {
				break
			}
		}
		switch {
		case a.major == 1:
			a.minor = 0.25 // six hours
		case a.major <= 14:
			a.minor = 1
		}
		return a
	}
	a := timeAxis{unitMs: float64(graph.Hour), label: "time (hours)"}
	hours := max(float64(horizonMs)/float64(graph.Hour), 1e-9)
	for _, s := range []float64{0.25, 0.5, 1, 2, 3, 6, 12} {
		a.major = s
		if hours/s <= 12 {
			break
		}
	}
	a.minor = a.major / 2
	if a.major == 3 || a.major == 6 || a.major == 12 {
		a.minor = a.major / 3
	}
	return a
}

// Ticks implements plot.Ticker.
func (a timeAxis) Ticks(lo, hi float64) []plot.Tick {
	return stepTicks(lo, hi, a.major, a.minor, func(v float64) string {
		return trimFloat(v)
	})
}

// blankLabels keeps a ticker's marks but blanks their labels (the upper of
// two panels sharing an x axis). A blank is a space, not "": gonum's grid
// draws lines only at labelled ticks.
type blankLabels struct{ plot.Ticker }

func (b blankLabels) Ticks(lo, hi float64) []plot.Tick {
	ts := b.Ticker.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = " "
		}
	}
	return ts
}

// percentTicks marks a 0–100 axis every 20%, with minor marks every 10%.
type percentTicks struct{}

func (percentTicks) Ticks(lo, hi float64) []plot.Tick {
	return stepTicks(lo, hi, 20, 10, func(v float64) string { return trimFloat(v) + "%" })
}

// niceTicks marks an axis at 1, 2 or 5 times a power of ten (with hours'
// 3, 6, 12, 24, 48 when hours is set), about 5 to 10 labels, with a unit
// after each label.
type niceTicks struct {
	suffix string
	hours  bool
}

func (n niceTicks) Ticks(lo, hi float64) []plot.Tick {
	major := niceStep(hi-lo, n.hours)
	minor := major / 2
	if n.hours && major >= 3 && math.Mod(major, 3) == 0 {
		minor = major / 3
	}
	return stepTicks(lo, hi, major, minor, func(v float64) string { return trimFloat(v) + n.suffix })
}

// niceStep returns the smallest round step that cuts span into at most 10.
func niceStep(span float64, hours bool) float64 {
	if span <= 0 || math.IsNaN(span) || math.IsInf(span, 0) {
		return 1
	}
	if hours && span > 10 && span <= 10*48 {
		for _, s := range []float64{2, 3, 6, 12, 24, 48} {
			if span/s <= 10 {
				return s
			}
		}
	}
	p := math.Pow(10, math.Floor(math.Log10(span/10)))
	for _, m := range []float64{1, 2, 5, 10} {
		if span/(m*p) <= 10 {
			return m * p
		}
	}
	return 10 * p
}

// stepTicks returns major ticks at multiples of major and unlabelled minor
// ticks at multiples of minor (0: none) within [lo, hi].
func stepTicks(lo, hi, major, minor float64, label func(float64) string) []plot.Tick {
	const eps = 1e-9
	var ts []plot.Tick
	if minor > 0 {
		for k := math.Ceil(lo/minor - eps); k*minor <= hi+eps; k++ {
			v := k * minor
			if r := v / major; math.Abs(r-math.Round(r)) < eps {
				continue
			}
			ts = append(ts, plot.Tick{Value: v})
		}
	}
	for k := math.Ceil(lo/major - eps); k*major <= hi+eps; k++ {
		v := k * major
		ts = append(ts, plot.Tick{Value: v, Label: label(v)})
	}
	return ts
}

func trimFloat(v float64) string {
	if v == 0 {
		return "0" // never "-0"
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}

// DowntimeTop is how many services Downtime shows at most.
const DowntimeTop = 20

// Downtime draws, for the services that cost the most (sorted by the
// first results' expected user-hours lost, then by mean downtime, at most
// DowntimeTop of them, leaving out services never down), a horizontal bar
// of the mean downtime in hours and a whisker from its median to its 99th
// percentile with a mark at the 90th. Several results give grouped bars,
// one colour per results.
func Downtime(w io.Writer, rs []*sim.Results, opt Options) error {
	if len(rs) == 0 {
		return fmt.Errorf("plot downtime: no results")
	}
	labels := seriesLabels(rs, opt)

	// Rank services by the first results, then add any only the others have.
	type row struct {
		id        string
		userHours float64
		downMs    float64
	}
	var rows []row
	seen := map[string]bool{}
	for _, r := range rs {
		for _, s := range r.Services {
			if seen[s.ID] {
				continue
			}
			seen[s.ID] = true
			rows = append(rows, row{id: s.ID, userHours: s.UserHours, downMs: s.Downtime.Mean})
		}
	}
	for i := range rows {
		for _, r := range rs[1:] {
			if s := findService(r, rows[i].id); s != nil {
				rows[i].downMs = max(rows[i].downMs, s.Downtime.Mean)
			}
		}
	}
	rows = slices.DeleteFunc(rows, func(r row) bool { return r.downMs == 0 })
	if len(rows) == 0 {
		return fmt.Errorf("plot downtime: no service was ever down in %s", strings.Join(labels, ", "))
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		return cmp.Or(cmp.Compare(b.userHours, a.userHours), cmp.Compare(b.downMs, a.downMs), strings.Compare(a.id, b.id))
	})
	rows = rows[:min(len(rows), DowntimeTop)]

	p := newPanel()
	addGrid(p, true, false)
	p.X.Label.Text = "downtime (hours)"
	p.X.Min = 0
	p.X.Tick.Marker = niceTicks{hours: true}
	n := len(rows)
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.Y.Padding = 0
	var yticks plot.ConstantTicks
	for i, r := range rows {
		yticks = append(yticks, plot.Tick{Value: float64(n - 1 - i), Label: r.id})
	}
	p.Y.Tick.Marker = yticks
	p.Y.Tick.Length = 0

	legend := newLegend()
	k := len(rs)
	slot := 0.8 / float64(k) // height of one results' bar, in rows
	for j, r := range rs {
		q := &quantileBars{color: seriesColor(j), half: 0.42 * slot,
			label: textStyle(sansFont, vg.Length(max(7.5, 9.5-float64(k)/2)), subColor)}
		for i, row := range rows {
			s := findService(r, row.id)
			if s == nil {
				continue
			}
			y := float64(n-1-i) + 0.4 - slot*(float64(j)+0.5)
			h := float64(graph.Hour)
			q.bars = append(q.bars, quantileBar{y: y, mean: s.Downtime.Mean / h,
				p50: s.Downtime.P50 / h, p90: s.Downtime.P90 / h, p99: s.Downtime.P99 / h})
		}
		p.Add(q)
		legend.Add(labels[j], q)
	}
	legend.Add("")
	legend.Add("mean (bar)", barKey{})
	legend.Add("median", glyphKey{medianGlyph{}})
	legend.Add("90th percentile", glyphKey{p90Glyph{}})
	legend.Add("99th percentile", glyphKey{p99Glyph{}})

	rowH := 0.12*vg.Inch*vg.Length(k) + 0.12*vg.Inch
	rank := "expected user-hours lost"
	if k > 1 {
		rank += " in " + labels[0]
	}
	f := &figure{
		title:    cmp.Or(opt.Title, "Downtime by service"+platformSuffix(rs)),
		subtitle: fmt.Sprintf("top %d services by %s; bar: mean, whisker: median to 99th percentile", n, rank),
		panels:   []*plot.Plot{p},
		legend:   legend,
		height:   max(4.5*vg.Inch, 1.6*vg.Inch+rowH*vg.Length(n)),
	}
	return f.write(w, opt.Format)
}

func findService(r *sim.Results, id string) *sim.ServiceResult {
	for i := range r.Services {
		if r.Services[i].ID == id {
			return &r.Services[i]
		}
	}
	return nil
}

// quantileBars draws one results' horizontal downtime bars: a light bar to
// the mean, a whisker from the median to the 99th percentile with marks at
// the median, the 90th and the 99th percentile.
type quantileBars struct {
	bars  []quantileBar
	color color.NRGBA
	half  float64    // half the bar height, in y units
	label text.Style // of the mean's figure
}

type quantileBar struct{ y, mean, p50, p90, p99 float64 }

func (q *quantileBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	fill := withAlpha(q.color, 0.45)
	whisker := draw.LineStyle{Color: q.color, Width: vg.Points(1.5)}
	for _, b := range q.bars {
		y0, y1 := trY(b.y-q.half), trY(b.y+q.half)
		x0, x1 := trX(0), trX(b.mean)
		c.FillPolygon(fill, c.ClipPolygonXY([]vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}))
		y := trY(b.y)
		r := min((y1-y0)/2, vg.Points(4.5))
		c.StrokeLine2(whisker, trX(b.p50), y, trX(b.p99), y)
		for _, g := range []struct {
			x float64
			d draw.GlyphDrawer
		}{{b.p99, p99Glyph{}}, {b.p90, p90Glyph{}}, {b.p50, medianGlyph{}}} {
			// The median last: when the quantiles coincide (a fixed
			// downtime), its ring stays visible on top.
			c.DrawGlyph(draw.GlyphStyle{Color: q.color, Radius: r, Shape: g.d}, vg.Point{X: trX(g.x), Y: y})
		}
		// The mean in figures after the last mark, so that a zero (never
		// down in this results) reads as a zero, not as a missing bar.
		ts := q.label
		ts.YAlign = draw.YCenter
		c.FillText(ts, vg.Point{X: trX(max(b.mean, b.p99)) + r + vg.Points(4), Y: y}, hours(b.mean))
	}
}

// hours formats a duration in hours with at most one decimal: "8.7 h", "0 h".
func hours(h float64) string {
	if h >= 100 {
		return fmt.Sprintf("%.0f h", h)
	}
	return trimFloat(math.Round(h*10)/10) + " h"
}

// DataRange implements plot.DataRanger: x from 0 to the largest mark.
func (q *quantileBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for _, b := range q.bars {
		xmax = max(xmax, b.mean, b.p99)
		ymin, ymax = min(ymin, b.y-q.half), max(ymax, b.y+q.half)
	}
	if len(q.bars) == 0 {
		ymin, ymax = 0, 0
	}
	// Room on the right for the mean's figure.
	return 0, 1.1 * xmax, ymin, ymax
}

// Thumbnail implements plot.Thumbnailer: a swatch of the series colour.
func (q *quantileBars) Thumbnail(c *draw.Canvas) {
	swatch(c, q.color)
}

func swatch(c *draw.Canvas, col color.NRGBA) {
	r := c.Rectangle
	mid := (r.Min.Y + r.Max.Y) / 2
	h := min(r.Max.Y-r.Min.Y, vg.Points(10)) / 2
	c.FillPolygon(withAlpha(col, 0.45), []vg.Point{{X: r.Min.X, Y: mid - h}, {X: r.Max.X, Y: mid - h}, {X: r.Max.X, Y: mid + h}, {X: r.Min.X, Y: mid + h}})
	c.StrokeLine2(draw.LineStyle{Color: col, Width: vg.Points(1.5)}, r.Min.X, mid, r.Max.X, mid)
}

// barKey and glyphKey are the grey legend entries that explain the marks.
type barKey struct{}

func (barKey) Thumbnail(c *draw.Canvas) {
	r := c.Rectangle
	mid := (r.Min.Y + r.Max.Y) / 2
	h := min(r.Max.Y-r.Min.Y, vg.Points(10)) / 2
	c.FillPolygon(withAlpha(keyColor, 0.45), []vg.Point{{X: r.Min.X, Y: mid - h}, {X: r.Max.X, Y: mid - h}, {X: r.Max.X, Y: mid + h}, {X: r.Min.X, Y: mid + h}})
}

type glyphKey struct{ d draw.GlyphDrawer }

func (g glyphKey) Thumbnail(c *draw.Canvas) {
	r := c.Rectangle
	mid := vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: (r.Min.Y + r.Max.Y) / 2}
	c.StrokeLine2(draw.LineStyle{Color: keyColor, Width: vg.Points(1.5)}, r.Min.X, mid.Y, r.Max.X, mid.Y)
	c.DrawGlyphNoClip(draw.GlyphStyle{Color: keyColor, Radius: vg.Points(4.5), Shape: g.d}, mid)
}

// medianGlyph is a white-filled ring; p90Glyph a filled diamond; p99Glyph
// a vertical bar, like a whisker's cap.
type medianGlyph struct{}

func (medianGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius * 0.8
	var p vg.Path
	p.Move(vg.Point{X: pt.X + r, Y: pt.Y})
	p.Arc(pt, r, 0, 2*math.Pi)
	p.Close()
	c.SetColor(color.White)
	c.Fill(p)
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: vg.Points(1.4)})
	c.Stroke(p)
}

type p90Glyph struct{}

func (p90Glyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius * 1.05
	var p vg.Path
	p.Move(vg.Point{X: pt.X, Y: pt.Y + r})
	p.Line(vg.Point{X: pt.X + r*0.8, Y: pt.Y})
	p.Line(vg.Point{X: pt.X, Y: pt.Y - r})
	p.Line(vg.Point{X: pt.X - r*0.8, Y: pt.Y})
	p.Close()
	c.SetColor(sty.Color)
	c.Fill(p)
}

type p99Glyph struct{}

func (p99Glyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.SetLineStyle(draw.LineStyle{Color: sty.Color, Width: vg.Points(1.8)})
	var p vg.Path
	p.Move(vg.Point{X: pt.X, Y: pt.Y - sty.Radius})
	p.Line(vg.Point{X: pt.X, Y: pt.Y + sty.Radius})
	c.Stroke(p)
}

// UnknownServiceError reports a service that a results file does not have.
type UnknownServiceError struct {
	Results string // the series label of the results
	ID      string
	Known   []string
}

func (e *UnknownServiceError) Error() string {
	return fmt.Sprintf("%s: unknown service %q%s", e.Results, e.ID, graph.Suggest(e.ID, e.Known))
}

// ServiceDowntime draws the distribution of one service's downtime
// within the horizon, from the results' downtime histograms: the share of
// trials in each bin, x in hours, one outlined, lightly filled step series
// per results with a dashed line at its mean. The first bin holds the trials
// in which the service was never down. A results without the service gives
// an *UnknownServiceError.
func ServiceDowntime(w io.Writer, rs []*sim.Results, id string, opt Options) error {
	if len(rs) == 0 {
		return fmt.Errorf("plot downtime: no results")
	}
	labels := seriesLabels(rs, opt)
	svcs := make([]*sim.ServiceResult, len(rs))
	var xmax float64 // hours
	for i, r := range rs {
		s := findService(r, id)
		if s == nil {
			known := make([]string, len(r.Services))
			for j, s := range r.Services {
				known[j] = s.ID
			}
			return &UnknownServiceError{Results: labels[i], ID: id, Known: known}
		}
		h := s.DowntimeHist
		if h.BinMs <= 0 || len(h.Counts) == 0 {
			return fmt.Errorf("plot downtime: %s has no downtime histogram for %s (written by an older domino: run it again)", labels[i], id)
		}
		last := 0
		for j, n := range h.Counts {
			if n > 0 {
				last = j
			}
		}
		xmax = max(xmax, float64(int64(last+1)*h.BinMs)/float64(graph.Hour))
		svcs[i] = s
	}

	p := newPanel()
	addGrid(p, true, true)
	p.X.Label.Text = "downtime within the horizon (hours)"
	p.Y.Label.Text = "share of trials"
	p.X.Min, p.X.Max = 0, xmax
	p.Y.Min = 0
	p.Y.Tick.Marker = niceTicks{suffix: "%"}
	p.X.Tick.Marker = niceTicks{hours: true}

	legend := newLegend()
	bins := map[int64]bool{}
	var outlines []plotter.XYs // for coincide, as in Recovery
	anyShared := false
	for i, s := range svcs {
		col := seriesColor(i)
		h := s.DowntimeHist
		bins[h.BinMs] = true
		var total int64
		for _, n := range h.Counts {
			total += n
		}
		if total == 0 {
			total = 1 // an empty histogram draws flat at 0
		}
		bin := float64(h.BinMs) / float64(graph.Hour)
		steps := plotter.XYs{{X: 0, Y: 0}}
		for j, n := range h.Counts {
			x0, y := float64(j)*bin, 100*float64(n)/float64(total)
			if x0 >= xmax {
				break
			}
			steps = append(steps, plotter.XY{X: x0, Y: y}, plotter.XY{X: x0 + bin, Y: y})
		}
		steps = append(steps, plotter.XY{X: steps[len(steps)-1].X, Y: 0})
		area, err := plotter.NewPolygon(steps)
		if err != nil {
			panic("output: histogram polygon: " + err.Error())
		}
		area.Color = withAlpha(col, 0.22)
		area.LineStyle.Width = 0
		outline, err := plotter.NewLine(steps)
		if err != nil {
			panic("output: histogram outline: " + err.Error())
		}
		// Earlier series get wider outlines (see Recovery).
		outline.Color, outline.Dashes = col, seriesDashes(i)
		outline.Width = vg.Points(lineWidth + 0.5*float64(min(len(rs)-1-i, 3)))

		shared, whole := coincide(steps, outlines)
		outlines = append(outlines, steps)
		anyShared = anyShared || slices.Contains(shared, true)

		mean := s.Downtime.Mean / float64(graph.Hour)
		meanLine := &vline{x: mean, style: draw.LineStyle{Color: col, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}}
		for _, earlier := range svcs[:i] {
			if math.Abs(earlier.Downtime.Mean-s.Downtime.Mean) <= float64(graph.Minute) {
				// The same mean: dash it at its own phase, like a shared outline.
				meanLine.style.Dashes = []vg.Length{vg.Points(4), vg.Points(4 * float64(i))}
				meanLine.style.DashOffs = vg.Points(4 * float64(i-1))
				break
			}
		}
		p.Add(area)
		p.Add(meanLines(outline, shared, i)...)
		p.Add(meanLine)
		label := fmt.Sprintf("%s (mean %s", labels[i], output.Duration(s.Downtime.Mean))
		if s.PAffected < 1 {
			label += ", down in " + output.Percent(s.PAffected)
		}
		if whole >= 0 {
			label += "; same as " + labels[whole]
		}
		label += ")"
		legend.Add(label, area, outline)
	}
	legend.Add("")
	legend.Add("mean", &vlineKey{})

	binNote := "bins of "
	if len(bins) == 1 {
		binNote += output.Duration(float64(svcs[0].DowntimeHist.BinMs))
	} else {
		binNote = "bins differ by results"
	}
	f := &figure{
		title:        cmp.Or(opt.Title, "Downtime of "+id+platformSuffix(rs)),
		subtitle:     fmt.Sprintf("share of trials by total downtime (%s; the first bin includes trials with none)%s", binNote, sharedNote(anyShared)),
		panels:       []*plot.Plot{p},
		legend:       legend,
		legendInside: true,
		height:       5.5 * vg.Inch,
	}
	return f.write(w, opt.Format)
}

// vline is a vertical line across the data area at x.
type vline struct {
	x     float64
	style draw.LineStyle
}

func (v *vline) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x := trX(v.x)
	if c.ContainsX(x) {
		c.StrokeLine2(v.style, x, c.Min.Y, x, c.Max.Y)
	}
}

type vlineKey struct{}

func (vlineKey) Thumbnail(c *draw.Canvas) {
	r := c.Rectangle
	x := (r.Min.X + r.Max.X) / 2
	c.StrokeLine2(draw.LineStyle{Color: keyColor, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(3), vg.Points(2)}}, x, r.Min.Y, x, r.Max.Y)
}
