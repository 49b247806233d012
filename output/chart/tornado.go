package chart

import (
	"cmp"
	"fmt"
	"image/color"
	"io"
	"math"

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
	rows := s.Inputs[:min(len(s.Inputs), TornadoTop)]
	n := len(rows)
	p := newPanel()
	addGrid(p, true, false)
	p.X.Label.Text = output.MetricTitle(s.Metric, s.Unit, s.Currency)
	p.X.Tick.Marker = niceTicks{hours: s.Unit == "hours"}
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5
	p.Y.Padding = 0
	var yticks plot.ConstantTicks
	t := &tornado{base: s.Baseline.Mean, unit: s.Unit,
		label: textStyle(sansFont, 9, subColor)}
	for i, in := range rows {
		y := float64(n - 1 - i)
		path := in.Path
		if r := []rune(path); len(r) > 2*maxLabel {
			path = "…" + string(r[len(r)-2*maxLabel+1:])
		}
		yticks = append(yticks, plot.Tick{Value: y, Label: path})
		t.rows = append(t.rows, tornadoRow{y: y, low: in.Low, high: in.High})
	}
	p.Y.Tick.Marker = yticks
	p.Y.Tick.Length = 0
	p.Add(t)

	legend := newLegend()
	legend.Add("input at its low", swatchKey{lowColor})
	legend.Add("input at its high", swatchKey{highColor})
	legend.Add("baseline (all nominal)", baselineKey{})
	legend.Add("95% CI of the mean", ciKey{})

	more := ""
	if len(s.Inputs) > n {
		more = fmt.Sprintf(" (the %d largest of %d)", n, len(s.Inputs))
	}
	f := &figure{
		title: cmp.Or(opt.Title, "What the result depends on — "+s.Scenario),
		subtitle: fmt.Sprintf("each uncertain input%s at its low and its high, the others nominal; %s trials each, paired (seed %d); baseline %s",
			more, output.Count(float64(s.Trials)), s.Seed, output.MetricValue(s.Unit, s.Baseline.Mean)),
		panels: []*plot.Plot{p},
		legend: legend,
		height: max(3.5*vg.Inch, 1.7*vg.Inch+0.36*vg.Inch*vg.Length(n)),
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
}

const tornadoHalf = 0.32 // half a bar's height, in rows

func (t *tornado) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, r := range t.rows {
		y0, y1, y := trY(r.y-tornadoHalf), trY(r.y+tornadoHalf), trY(r.y)
		for _, e := range []struct {
			end sim.End
			col color.NRGBA
		}{{r.low, lowColor}, {r.high, highColor}} {
			x0, x1 := trX(t.base), trX(e.end.Mean)
			c.FillPolygon(withAlpha(e.col, 0.55), c.ClipPolygonXY([]vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}}))
			if e.end.CI95 != nil {
				ls := draw.LineStyle{Color: e.col, Width: vg.Points(1.2)}
				lo, hi := trX(e.end.CI95[0]), trX(e.end.CI95[1])
				c.StrokeLine2(ls, lo, y, hi, y)
				cap := (y1 - y0) / 4
				c.StrokeLine2(ls, lo, y-cap, lo, y+cap)
				c.StrokeLine2(ls, hi, y-cap, hi, y+cap)
			}
		}
		// The input's value at each end, outside the bar: left of the
		// end that lies left, right of the other.
		left, right := r.low, r.high
		if right.Mean < left.Mean {
			left, right = right, left
		}
		ts := t.label
		ts.YAlign = draw.YCenter
		ts.XAlign = draw.XRight
		c.FillText(ts, vg.Point{X: min(trX(left.Mean), trX(t.base)) - vg.Points(4), Y: y}, left.Text)
		ts.XAlign = draw.XLeft
		c.FillText(ts, vg.Point{X: max(trX(right.Mean), trX(t.base)) + vg.Points(4), Y: y}, right.Text)
	}
	top, bottom := trY(float64(len(t.rows))-0.5), trY(-0.5)
	c.StrokeLine2(draw.LineStyle{Color: textColor, Width: vg.Points(1.2)}, trX(t.base), bottom, trX(t.base), top)
}

// DataRange implements plot.DataRanger: every end and CI, and the
// baseline, with room on both sides for the values' labels.
func (t *tornado) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = t.base, t.base
	for _, r := range t.rows {
		for _, e := range []sim.End{r.low, r.high} {
			xmin, xmax = math.Min(xmin, e.Mean), math.Max(xmax, e.Mean)
			if e.CI95 != nil {
				xmin, xmax = math.Min(xmin, e.CI95[0]), math.Max(xmax, e.CI95[1])
			}
		}
	}
	pad := 0.15 * (xmax - xmin)
	if pad == 0 {
		pad = math.Max(math.Abs(t.base)*0.1, 1)
	}
	return xmin - pad, xmax + pad, -0.5, float64(len(t.rows)) - 0.5
}

// swatchKey is a legend entry: a bar of one colour.
type swatchKey struct{ col color.NRGBA }

func (k swatchKey) Thumbnail(c *draw.Canvas) {
	r := c.Rectangle
	mid := (r.Min.Y + r.Max.Y) / 2
	h := min(r.Max.Y-r.Min.Y, vg.Points(10)) / 2
	c.FillPolygon(withAlpha(k.col, 0.55), []vg.Point{{X: r.Min.X, Y: mid - h}, {X: r.Max.X, Y: mid - h}, {X: r.Max.X, Y: mid + h}, {X: r.Min.X, Y: mid + h}})
}

// baselineKey is the legend entry of the baseline: a vertical line.
type baselineKey struct{}

func (baselineKey) Thumbnail(c *draw.Canvas) {
	r := c.Rectangle
	x := (r.Min.X + r.Max.X) / 2
	c.StrokeLine2(draw.LineStyle{Color: textColor, Width: vg.Points(1.2)}, x, r.Min.Y, x, r.Max.Y)
}

// ciKey is the legend entry of a CI whisker: a line with end caps.
type ciKey struct{}

func (ciKey) Thumbnail(c *draw.Canvas) {
	r := c.Rectangle
	mid := (r.Min.Y + r.Max.Y) / 2
	capH := min(r.Max.Y-r.Min.Y, vg.Points(10)) / 4
	ls := draw.LineStyle{Color: keyColor, Width: vg.Points(1.2)}
	c.StrokeLine2(ls, r.Min.X, mid, r.Max.X, mid)
	c.StrokeLine2(ls, r.Min.X, mid-capH, r.Min.X, mid+capH)
	c.StrokeLine2(ls, r.Max.X, mid-capH, r.Max.X, mid+capH)
}
