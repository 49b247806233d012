package chart

import (
	"cmp"
	"fmt"
	"image/color"
	"io"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/sim"
)

// TornadoTop is the most inputs a tornado chart shows: the rest swing less.
const TornadoTop = 25

// Colours of the tornado's two ends (Okabe–Ito, as the series colours).
var (
	lowColor  = seriesColors[0] // blue: the input at its low
	highColor = seriesColors[1] // vermillion: the input at its high
)

// Tornado draws a sensitivity result (docs/model.md §14) as a tornado
// chart: one row per uncertain input, largest swing on top, a bar from the
// baseline to the metric with the input at its low and another to the
// metric at its high, each end labelled with the input's value there, and
// a whisker for the 95% CI of each end's mean.
func Tornado(w io.Writer, s *sim.Sensitivity, opt Options) error {
	if len(s.Inputs) == 0 {
		return fmt.Errorf("plot tornado: %s has no uncertain inputs", s.Scenario)
	}
	// Inputs that change nothing have no bar: they are left out, and
	// counted in the subtitle.
	moving := s.Inputs
	for len(moving) > 0 && moving[len(moving)-1].Swing == 0 {
		moving = moving[:len(moving)-1]
	}
	rows := moving[:min(len(moving), TornadoTop)]
	n := len(rows)
	if n == 0 {
		return fmt.Errorf("plot tornado: no uncertain input of %s changes %s", s.Scenario, s.Metric)
	}
	p := newPanel()
	addGrid(p, true, false)
	p.X.Label.Text = output.MetricTitle(s.Metric, s.Unit, s.Currency)
	p.X.Tick.Marker = tornadoTicks{hours: s.Unit == "hours"}
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.Y.Padding = 0
	var yticks plot.ConstantTicks
	t := &tornado{base: s.Baseline.Mean, unit: s.Unit,
		label: textStyle(sansFont, 9, subColor)}
	for i, in := range rows {
		y := float64(n - 1 - i)
		path := cmp.Or(in.Label, in.Path)
		if r := []rune(path); len(r) > 2*maxLabel {
			path = "…" + string(r[len(r)-2*maxLabel+1:])
		}
		yticks = append(yticks, plot.Tick{Value: y, Label: path})
		t.rows = append(t.rows, tornadoRow{y: y, low: in.Low, high: in.High, diff: in.Difference})
	}
	p.Y.Tick.Marker = yticks
	p.Y.Tick.Length = 0
	p.Add(t)

	title := s.Scenario
	if s.Versus != "" {
		title += " minus " + s.Versus
	}
	var left []string
	if k := len(moving) - n + s.Omitted; k > 0 {
		left = append(left, fmt.Sprintf("%d more with smaller swings", k))
	}
	if k := len(s.Inputs) - len(moving); k > 0 {
		left = append(left, fmt.Sprintf("%d that change nothing", k))
	}
	more := ""
	if len(left) > 0 {
		more = "\nnot shown: " + strings.Join(left, ", ")
	}
	f := &figure{
		title: cmp.Or(opt.Title, "What the result depends on — "+title),
		subtitle: fmt.Sprintf("each input at its low (blue) and its high (orange), the others nominal, over the same %s trials (seed %d)\n"+
			"line: the baseline, every input nominal (%s); whisker: 95%% CI of high − low, paired%s",
			output.Count(float64(s.Trials)), s.Seed, output.MetricValue(s.Unit, s.Baseline.Mean), more),
		panels: []*plot.Plot{p},
		height: max(3.5*vg.Inch, 2*vg.Inch+0.36*vg.Inch*vg.Length(n)),
	}
	return f.write(w, opt.Format)
}

// tornado draws the bars of a tornado chart.
type tornado struct {
	rows  []tornadoRow
	base  float64
	unit  string
	label text.Style
}

type tornadoRow struct {
	y         float64
	low, high sim.End
	diff      sim.Mean // high − low, paired
}

const tornadoHalf = 0.32 // half a bar's height, in rows

func (t *tornado) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, r := range t.rows {
		y0, y1, y := trY(r.y-tornadoHalf), trY(r.y+tornadoHalf), trY(r.y)
		ends := []struct {
			end sim.End
			col color.NRGBA
		}{{r.low, lowColor}, {r.high, highColor}}
		// Both ends on one side of the baseline: the longer bar first, the
		// shorter over it, so that each shows in its own colour.
		if math.Abs(r.low.Mean-t.base) < math.Abs(r.high.Mean-t.base) {
			ends[0], ends[1] = ends[1], ends[0]
		}
		for _, e := range ends {
			x0, x1 := trX(t.base), trX(e.end.Mean)
			c.FillPolygon(onWhite(e.col, 0.7), c.ClipPolygonXY([]vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}))
		}
		// The paired CI of high − low, drawn from the low end: where the
		// high end lies, the runs' shared noise taken out.
		if ci := r.diff.CI95; ci != nil {
			ls := draw.LineStyle{Color: textColor, Width: vg.Points(1.1)}
			lo, hi := trX(r.low.Mean+ci[0]), trX(r.low.Mean+ci[1])
			capH := (y1 - y0) / 5
			c.StrokeLine2(ls, lo, y, hi, y)
			c.StrokeLine2(ls, lo, y-capH, lo, y+capH)
			c.StrokeLine2(ls, hi, y-capH, hi, y+capH)
		}
		// The input's value at each end, outside the bar: left of the
		// end that lies left, right of the other.
		left, right := r.low, r.high
		if right.Mean < left.Mean {
			left, right = right, left
		}
		lx, rx := min(trX(left.Mean), trX(t.base)), max(trX(right.Mean), trX(t.base))
		if ci := r.diff.CI95; ci != nil {
			lx, rx = min(lx, trX(r.low.Mean+ci[0])), max(rx, trX(r.low.Mean+ci[1]))
		}
		ts := t.label
		ts.YAlign = draw.YCenter
		ts.XAlign = draw.XRight
		c.FillText(ts, vg.Point{X: lx - vg.Points(4), Y: y}, left.Text)
		ts.XAlign = draw.XLeft
		c.FillText(ts, vg.Point{X: rx + vg.Points(4), Y: y}, right.Text)
	}
	top, bottom := trY(float64(len(t.rows))-0.5), trY(-0.5)
	c.StrokeLine2(draw.LineStyle{Color: textColor, Width: vg.Points(1.2)}, trX(t.base), bottom, trX(t.base), top)
}

// DataRange implements plot.DataRanger: every end, the CIs and the
// baseline, with room on both sides for the values' labels.
func (t *tornado) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = t.base, t.base
	for _, r := range t.rows {
		xmin, xmax = math.Min(xmin, math.Min(r.low.Mean, r.high.Mean)), math.Max(xmax, math.Max(r.low.Mean, r.high.Mean))
		if ci := r.diff.CI95; ci != nil {
			xmin, xmax = math.Min(xmin, r.low.Mean+ci[0]), math.Max(xmax, r.low.Mean+ci[1])
		}
	}
	pad := 0.15 * (xmax - xmin)
	if pad == 0 {
		pad = math.Max(math.Abs(t.base)*0.1, 1)
	}
	return xmin - pad, xmax + pad, -0.5, float64(len(t.rows)) - 0.5
}

// tornadoTicks marks the metric's axis at round steps, large numbers
// compactly ("6.76B") and with their sign, as differences may be negative.
type tornadoTicks struct{ hours bool }

func (tt tornadoTicks) Ticks(lo, hi float64) []plot.Tick {
	// At most about five labels: compact figures are wide.
	major := niceStep(2*(hi-lo), tt.hours)
	return stepTicks(lo, hi, major, major/2, func(v float64) string {
		if v < 0 {
			return "−" + compact(-v)
		}
		return compact(v)
	})
}

// onWhite is col at opacity a over white, as an opaque colour: a bar drawn
// over another hides it instead of mixing with it.
func onWhite(col color.NRGBA, a float64) color.NRGBA {
	mixed := func(v uint8) uint8 { return uint8(math.Round(255*(1-a) + float64(v)*a)) }
	return color.NRGBA{mixed(col.R), mixed(col.G), mixed(col.B), 0xff}
}
