package chart

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot/plotter"

	"github.com/dominosim/domino/sim"
)

// dashedStrokes counts the SVG paths stroked in colour col with dashes.
func dashedStrokes(svg, col string) int {
	return len(regexp.MustCompile(`stroke:`+col+`;[^"]*stroke-dasharray`).FindAllString(svg, -1))
}

// TestPlotKeepsCoincidingSeriesVisible checks that two results with the
// same curves do not hide each other: the later series is dashed where it
// runs on the earlier one, the legend says they are the same, and a series
// that stands apart stays solid.
func TestPlotKeepsCoincidingSeriesVisible(t *testing.T) {
	same := plotFixture("pangyo-fire", 30)
	again := plotFixture("pangyo-fire-again", 30)
	apart := plotFixture("zone-cutoff", 6)
	const blue, vermillion, green = "#0072B2", "#D55E00", "#009E73"

	tests := []struct {
		name string
		rs   []*sim.Results
		draw func(w *bytes.Buffer, rs []*sim.Results) error
	}{
		{"recovery", []*sim.Results{same, again, apart}, func(w *bytes.Buffer, rs []*sim.Results) error {
			return Recovery(w, rs, Options{Format: "svg"})
		}},
		{"service downtime", []*sim.Results{same, again, apart}, func(w *bytes.Buffer, rs []*sim.Results) error {
			return ServiceDowntime(w, rs, "talk-messaging", Options{Format: "svg"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, tt.draw(&b, tt.rs))
			svg := b.String()
			assert.Greater(t, dashedStrokes(svg, vermillion), 0, "the second series, identical to the first, must be dashed over it")
			assert.Contains(t, svg, "same as pangyo-fire")
			assert.Contains(t, svg, "dashed where a line runs on an earlier one")
			if tt.name == "recovery" {
				assert.Zero(t, dashedStrokes(svg, blue), "the first series is solid")
			}
		})
	}

	// Curves that never run together: nothing dashed, nothing noted.
	lower := plotFixture("b", 30)
	for _, band := range []*sim.Band{&lower.Curve.UsersServed, &lower.Curve.ServicesUp} {
		for j, m := range band.Mean {
			band.Mean[j] = 0.25 + m/2 // crosses the other curve once, at 50%
		}
	}
	var b bytes.Buffer
	require.NoError(t, Recovery(&b, []*sim.Results{plotFixture("a", 30), lower}, Options{Format: "svg"}))
	assert.Zero(t, dashedStrokes(b.String(), vermillion)+dashedStrokes(b.String(), green))
	assert.NotContains(t, b.String(), "same as")
	assert.NotContains(t, b.String(), "dashed where")
}

func TestCoincide(t *testing.T) {
	base := plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 50}, {X: 2, Y: 100}, {X: 3, Y: 100}}
	tests := []struct {
		name   string
		xy     plotter.XYs
		shared []bool
		whole  int
	}{
		{"identical", base, []bool{true, true, true}, 0},
		{"within tolerance", plotter.XYs{{X: 0, Y: 0.4}, {X: 1, Y: 49.6}, {X: 2, Y: 100}, {X: 3, Y: 100}}, []bool{true, true, true}, 0},
		{"joins at the end", plotter.XYs{{X: 0, Y: 20}, {X: 1, Y: 80}, {X: 2, Y: 100}, {X: 3, Y: 100}}, []bool{false, false, true}, -1},
		{"other grid, interpolated", plotter.XYs{{X: 0, Y: 0}, {X: 0.5, Y: 25}, {X: 1.5, Y: 75}, {X: 3, Y: 100}}, []bool{true, true, true}, 0},
		{"other grid, apart in the middle", plotter.XYs{{X: 0, Y: 0}, {X: 0.5, Y: 25}, {X: 1.5, Y: 80}, {X: 3, Y: 100}}, []bool{true, false, false}, -1},
		{"beyond the earlier curve", plotter.XYs{{X: 2, Y: 100}, {X: 3, Y: 100}, {X: 4, Y: 100}}, []bool{true, false}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shared, whole := coincide(tt.xy, []plotter.XYs{base})
			assert.Equal(t, tt.shared, shared)
			assert.Equal(t, tt.whole, whole)
		})
	}
}
