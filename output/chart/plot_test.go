package chart

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image"
	"image/png"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/sim"
)

// plotFixture returns results shaped like a real run: a recovery curve over
// a week rising at hour riseH, and three services with downtime statistics
// and histograms (two-hour bins).
func plotFixture(id string, riseH float64) *sim.Results {
	const n = 57
	h := float64(graph.Hour)
	r := &sim.Results{Schema: sim.Schema, Scenario: id, Platform: "mini", Trials: 1000, HorizonMs: 7 * graph.Day}
	c := &r.Curve
	for i := range n {
		t := int64(i) * 3 * graph.Hour
		c.TMs = append(c.TMs, t)
		x := 1 / (1 + math.Exp(-(float64(t)/h-riseH)/4))
		for _, b := range []*sim.Band{&c.UsersServed, &c.ServicesUp} {
			b.Mean = append(b.Mean, x)
			b.P10 = append(b.P10, x*x)
			b.P90 = append(b.P90, math.Sqrt(x))
		}
	}
	svc := func(id string, users int64, meanH float64, counts ...int64) sim.ServiceResult {
		return sim.ServiceResult{
			ID: id, Users: users, PAffected: 0.9, UserHours: float64(users) * meanH,
			Downtime:     sim.Summary{Mean: meanH * h, P50: 0.8 * meanH * h, P90: 1.5 * meanH * h, P99: 2 * meanH * h},
			DowntimeHist: sim.Hist{BinMs: 2 * graph.Hour, Counts: counts},
		}
	}
	r.Services = []sim.ServiceResult{
		svc("talk-messaging", 47_000_000, riseH/2, 100, 300, 400, 150, 50),
		svc("auth", 0, riseH, 0, 0, 200, 600, 200),
		svc("kakaomap", 10_000_000, 3, 500, 400, 100),
		{ID: "dns", DowntimeHist: sim.Hist{BinMs: 2 * graph.Hour, Counts: []int64{1000}}},
	}
	return r
}

func plotFixtures() []*sim.Results {
	return []*sim.Results{plotFixture("pangyo-fire", 30), plotFixture("ops-and-failover", 12), plotFixture("zone-cutoff", 6)}
}

// plotKinds are the three plots, each drawn by one function.
var plotKinds = []struct {
	name string
	draw func(w io.Writer, rs []*sim.Results, opt Options) error
}{
	{"recovery", Recovery},
	{"downtime", Downtime},
	{"service", func(w io.Writer, rs []*sim.Results, opt Options) error {
		return ServiceDowntime(w, rs, "talk-messaging", opt)
	}},
}

func TestPlotSVG(t *testing.T) {
	rs := plotFixtures()
	for _, k := range plotKinds {
		t.Run(k.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := k.draw(&buf, rs, Options{Format: "svg", Title: "A <title> & more"}); err != nil {
				t.Fatal(err)
			}
			// Well-formed XML: decode every token to the end.
			dec := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
			var root string
			for {
				tok, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("SVG is not well-formed XML: %v", err)
				}
				if se, ok := tok.(xml.StartElement); ok && root == "" {
					root = se.Name.Local
				}
			}
			if root != "svg" {
				t.Errorf("root element %q, want svg", root)
			}
			svg := buf.String()
			for _, r := range rs {
				if !strings.Contains(svg, r.Scenario) {
					t.Errorf("SVG does not mention scenario %q", r.Scenario)
				}
			}
			if !strings.Contains(svg, "A &lt;title&gt; &amp; more") {
				t.Errorf("SVG lacks the escaped title")
			}
			if !strings.Contains(svg, svgFontFamily) {
				t.Errorf("SVG lacks the font fallbacks %q", svgFontFamily)
			}
		})
	}
}

func TestPlotPNG(t *testing.T) {
	rs := plotFixtures()
	for _, k := range plotKinds {
		t.Run(k.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := k.draw(&buf, rs, Options{Format: "png"}); err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(&buf)
			if err != nil {
				t.Fatalf("PNG does not decode: %v", err)
			}
			if w := img.Bounds().Dx(); w != 9*plotDPI {
				t.Errorf("width %d px, want %d (9 in at %d dpi)", w, 9*plotDPI, plotDPI)
			}
			// Not blank: ink in most cells of a 3×3 grid, and in colour
			// somewhere (the series are not grey).
			const grid, minInk = 3, 0.005 // share of a cell's pixels
			inked, coloured := 0, 0
			b := img.Bounds()
			for gy := range grid {
				for gx := range grid {
					cell := image.Rect(b.Min.X+gx*b.Dx()/grid, b.Min.Y+gy*b.Dy()/grid,
						b.Min.X+(gx+1)*b.Dx()/grid, b.Min.Y+(gy+1)*b.Dy()/grid)
					ink, col := inkIn(img, cell)
					if ink >= minInk {
						inked++
					}
					coloured += col
				}
			}
			if inked < 6 {
				t.Errorf("ink in %d of %d cells, want at least 6", inked, grid*grid)
			}
			if coloured < 1000 {
				t.Errorf("%d coloured pixels, want at least 1000", coloured)
			}
		})
	}
}

// inkIn returns the share of pixels in r that are not white, and how many
// are clearly coloured (channels apart by more than 60 of 255).
func inkIn(img image.Image, r image.Rectangle) (float64, int) {
	ink, col := 0, 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr < 0xf000 || cg < 0xf000 || cb < 0xf000 {
				ink++
			}
			hi, lo := max(cr, cg, cb)>>8, min(cr, cg, cb)>>8
			if hi-lo > 60 {
				col++
			}
		}
	}
	return float64(ink) / float64(r.Dx()*r.Dy()), col
}

func TestPlotUnknownService(t *testing.T) {
	err := ServiceDowntime(io.Discard, plotFixtures(), "talk-mesaging", Options{Format: "svg", Labels: []string{"base.json"}})
	var unknown *UnknownServiceError
	if !errors.As(err, &unknown) {
		t.Fatalf("got %v, want an *UnknownServiceError", err)
	}
	want := `base.json: unknown service "talk-mesaging" (did you mean "talk-messaging"?)`
	if err.Error() != want {
		t.Errorf("got %q, want %q", err.Error(), want)
	}
}

func TestPlotErrors(t *testing.T) {
	noCurve := plotFixture("flat", 10)
	noCurve.Curve = sim.Curve{}
	neverDown := plotFixture("calm", 10)
	neverDown.Services = neverDown.Services[3:]
	noHist := plotFixture("old", 10)
	noHist.Services[0].DowntimeHist = sim.Hist{}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"no results", Recovery(io.Discard, nil, Options{Format: "svg"}), "no results"},
		{"no curve", Recovery(io.Discard, []*sim.Results{noCurve}, Options{Format: "svg"}), "flat has no recovery curve"},
		{"never down", Downtime(io.Discard, []*sim.Results{neverDown}, Options{Format: "png"}), "no service was ever down in calm"},
		{"no histogram", ServiceDowntime(io.Discard, []*sim.Results{noHist}, "talk-messaging", Options{Format: "svg"}), "no downtime histogram"},
		{"bad format", Recovery(io.Discard, plotFixtures(), Options{Format: "pdf"}), `unknown plot format "pdf"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", tt.err, tt.want)
			}
		})
	}
}

func TestPlotFormatFor(t *testing.T) {
	tests := []struct{ path, want string }{
		{"out/recovery.svg", "svg"},
		{"R.PNG", "png"},
		{"r.jpg", ""},
		{"svg", ""},
	}
	for _, tt := range tests {
		if got := FormatFor(tt.path); got != tt.want {
			t.Errorf("FormatFor(%q): got %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestTimeAxisFor(t *testing.T) {
	tests := []struct {
		name         string
		horizon      int64
		label        string
		major, minor float64
	}{
		{"week", 7 * graph.Day, "time (days)", 1, 0.25},
		{"month", 30 * graph.Day, "time (days)", 5, 1},
		{"three days", 3 * graph.Day, "time (hours)", 6, 2},
		{"half a day", 12 * graph.Hour, "time (hours)", 1, 0.5},
		{"an hour", graph.Hour, "time (hours)", 0.25, 0.125},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := timeAxisFor(tt.horizon)
			if a.label != tt.label || a.major != tt.major || a.minor != tt.minor {
				t.Errorf("got %q major %g minor %g, want %q major %g minor %g", a.label, a.major, a.minor, tt.label, tt.major, tt.minor)
			}
		})
	}
}

func TestStepTicks(t *testing.T) {
	ts := stepTicks(0, 7, 1, 0.25, trimFloat)
	var labels []string
	minor := 0
	for _, tk := range ts {
		if tk.Label == "" {
			minor++
		} else {
			labels = append(labels, tk.Label)
		}
	}
	if got, want := strings.Join(labels, " "), "0 1 2 3 4 5 6 7"; got != want {
		t.Errorf("labels: got %q, want %q", got, want)
	}
	if want := 7 * 3; minor != want {
		t.Errorf("minor ticks: got %d, want %d", minor, want)
	}
}

func TestNiceStep(t *testing.T) {
	tests := []struct {
		span  float64
		hours bool
		want  float64
	}{
		{100, false, 10},
		{73, true, 12},
		{36, true, 6},
		{8, true, 1},
		{0.3, false, 0.05},
		{0, false, 1},
	}
	for _, tt := range tests {
		if got := niceStep(tt.span, tt.hours); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("niceStep(%g, %v): got %g, want %g", tt.span, tt.hours, got, tt.want)
		}
	}
}

func TestHours(t *testing.T) {
	tests := []struct {
		h    float64
		want string
	}{{0, "0 h"}, {8.6999, "8.7 h"}, {22.5, "22.5 h"}, {130.4, "130 h"}}
	for _, tt := range tests {
		if got := hours(tt.h); got != tt.want {
			t.Errorf("hours(%g): got %q, want %q", tt.h, got, tt.want)
		}
	}
}
