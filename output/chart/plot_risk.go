package chart

import (
	"cmp"
	"fmt"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/dominosim/domino/output"
	"github.com/dominosim/domino/sim"
)

// Exceedance draws the loss-exceedance curves of risk results
// (docs/model.md §13): P(loss > x) per horizon against x for one metric,
// with its 95% band, the probability on a log scale so that the 1-in-1,000
// tail is as readable as the common years, and dotted lines at the
// return periods' 1/10, 1/100 and 1/1,000. The loss axis is logarithmic too
// when the losses span more than two decades. Points of probability 0
// cannot be drawn on a log scale: a curve ends at its largest loss.
func Exceedance(w io.Writer, rs []*sim.RiskResults, metric string, opt Options) error {
	if len(rs) == 0 {
		return fmt.Errorf("plot exceedance: no risk results")
	}
	metric = cmp.Or(metric, sim.RiskUserHours)
	type series struct {
		pts []sim.ExceedancePoint
	}
	var all []series
	xlo, xhi := math.Inf(1), 0.0
	plo := 1.0
	for i, r := range rs {
		m, ok := r.Metrics[metric]
		if !ok {
			return fmt.Errorf("plot exceedance: %s has no metric %q (want user_hours, money, crew_hours or downtime:ID)", cmp.Or(labelAt(opt, i), r.Scenario), metric)
		}
		var s series
		for _, pt := range m.Exceedance {
			if pt.P > 0 {
				s.pts = append(s.pts, pt)
				plo = min(plo, pt.P)
				if pt.Loss > 0 {
					xlo = min(xlo, pt.Loss)
				}
				xhi = max(xhi, pt.Loss)
			}
		}
		all = append(all, s)
	}
	if xhi == 0 {
		return fmt.Errorf("plot exceedance: no loss above 0 in %s: nothing to draw", metric)
	}
	logX := xhi/xlo > 100
	plo = math.Pow(10, math.Floor(math.Log10(plo))-0.5)
	plo = min(plo, 1e-4)

	p := newPanel()
	addGrid(p, true, true)
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = probTicks{}
	p.Y.Min, p.Y.Max = plo, 1
	p.Y.Label.Text = "P(loss > x) per " + output.HorizonText(rs[0].HorizonMs)
	p.X.Label.Text = output.RiskMetricTitle(metric, rs[0].Currency)
	if logX {
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = decadeTicks{}
		p.X.Min, p.X.Max = xlo, xhi*1.05
	} else {
		p.X.Min, p.X.Max = 0, xhi*1.05
		p.X.Tick.Marker = niceTicks{}
	}
	for _, years := range sim.ReturnPeriods {
		y := 1 / float64(years)
		if y < plo {
			continue
		}
		ref, _ := plotter.NewLine(plotter.XYs{{X: p.X.Min, Y: y}, {X: p.X.Max, Y: y}})
		ref.LineStyle = draw.LineStyle{Color: subColor, Width: vg.Points(0.8), Dashes: []vg.Length{vg.Points(2), vg.Points(3)}}
		p.Add(ref)
		lab, _ := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: p.X.Min, Y: y}}, Labels: []string{" 1 in " + output.Count(float64(years))}})
		lab.TextStyle[0] = textStyle(sansFont, tickSize, subColor)
		lab.TextStyle[0].YAlign = draw.YBottom
		p.Add(lab)
	}
	legend := newLegend()
	labels := make([]string, len(rs))
	for i, r := range rs {
		labels[i] = cmp.Or(labelAt(opt, i), r.Scenario)
	}
	for i, s := range all {
		col := seriesColor(i)
		var line, upper, lower plotter.XYs
		for _, pt := range s.pts {
			x := pt.Loss
			if logX && x <= 0 {
				continue
			}
			line = append(line, plotter.XY{X: x, Y: pt.P})
			upper = append(upper, plotter.XY{X: x, Y: min(1, pt.CI95[1])})
			lower = append(lower, plotter.XY{X: x, Y: max(plo, pt.CI95[0])})
		}
		if len(line) == 0 {
			continue
		}
		// The band: the upper bounds forwards, the lower ones back.
		poly := append(plotter.XYs{}, upper...)
		for j := len(lower) - 1; j >= 0; j-- {
			poly = append(poly, lower[j])
		}
		band, err := plotter.NewPolygon(poly)
		if err != nil {
			return fmt.Errorf("plot exceedance: %w", err)
		}
		band.Color = withAlpha(col, bandOpacity)
		band.LineStyle.Width = 0
		l, err := plotter.NewLine(line)
		if err != nil {
			return fmt.Errorf("plot exceedance: %w", err)
		}
		l.LineStyle = draw.LineStyle{Color: col, Width: vg.Points(lineWidth), Dashes: seriesDashes(i)}
		pts, _ := plotter.NewScatter(line)
		pts.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2), Shape: draw.CircleGlyph{}}
		p.Add(band, l, pts)
		legend.Add(labels[i], band, l)
	}
	r0 := rs[0]
	sub := fmt.Sprintf("%s trials of one %s (%s sampling); shaded: 95%% CI; dotted: the return periods", output.Count(float64(r0.Trials)), output.HorizonText(r0.HorizonMs), r0.Sampling)
	f := &figure{
		title:        cmp.Or(opt.Title, "Loss exceedance"+riskPlatformSuffix(rs)),
		subtitle:     sub,
		panels:       []*plot.Plot{p},
		legend:       legend,
		legendInside: true,
		height:       5.5 * vg.Inch,
	}
	return f.write(w, opt.Format)
}

// riskPlatformSuffix returns " — NAME" when every file names the same
// platform, else "".
func riskPlatformSuffix(rs []*sim.RiskResults) string {
	for _, r := range rs[1:] {
		if r.Platform != rs[0].Platform {
			return ""
		}
	}
	if rs[0].Platform == "" {
		return ""
	}
	return " — " + rs[0].Platform
}

func labelAt(opt Options, i int) string {
	if i < len(opt.Labels) {
		return opt.Labels[i]
	}
	return ""
}

// probTicks marks a log-scaled probability axis at the powers of ten,
// labelled as percentages down to 0.1% and as 1e-4 and below after.
type probTicks struct{}

func (probTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= 0; e++ {
		v := math.Pow(10, e)
		for k := 2.0; k < 10 && e < 0; k++ {
			if m := k * v; m >= lo && m <= hi {
				ts = append(ts, plot.Tick{Value: m})
			}
		}
		if v < lo || v > hi {
			continue
		}
		label := strconv.FormatFloat(100*v, 'f', -1, 64) + "%"
		if v < 0.001 {
			label = "1e" + strconv.Itoa(int(e))
		}
		ts = append(ts, plot.Tick{Value: v, Label: label})
	}
	return ts
}

// decadeTicks marks a log-scaled loss axis at the powers of ten, labelled
// compactly (1k, 10M, 1B), with unlabelled ticks at 2–9 times them.
type decadeTicks struct{}

func (decadeTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		v := math.Pow(10, e)
		for k := 1.0; k < 10; k++ {
			m := k * v
			if m < lo || m > hi {
				continue
			}
			t := plot.Tick{Value: m}
			if k == 1 {
				t.Label = compact(v)
			}
			ts = append(ts, t)
		}
	}
	return ts
}

// compact writes a power of ten as 1, 10, 100, 1k … 100k, 1M …, 1B …, 1T ….
func compact(v float64) string {
	for _, u := range []struct {
		div    float64
		suffix string
	}{{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}} {
		if v >= u.div {
			return strconv.FormatFloat(v/u.div, 'f', -1, 64) + u.suffix
		}
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}
