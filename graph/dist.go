package graph

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/stat/distuv"
)

// DistKind is the family of a distribution.
type DistKind uint8

const (
	Fixed DistKind = iota
	Uniform
	Triangular
	Exponential
	LogNormal
	Weibull
	Gamma
	Empirical
)

var distNames = familyNames()

// DistNames lists the distribution families in the spelling of the files.
func DistNames() []string { return append([]string(nil), distNames...) }

func (k DistKind) String() string {
	if int(k) < len(distNames) {
		return distNames[k]
	}
	return "unknown"
}

// z95 is the standard normal quantile at 0.95, used to turn a lognormal's
// (median, p95) into sigma.
const z95 = 1.6448536269514722

// lnHour is ln(3,600,000): converts a lognormal's mu from ln-hours to ln-ms.
var lnHour = math.Log(float64(Hour))

// Dist is a distribution of durations in milliseconds (docs/model.md §3). The zero
// value is the fixed duration 0. Build one with the New* constructors, which
// validate their parameters.
type Dist struct {
	Kind DistKind
	// A, B, C are the parameters in ms (shape for Weibull and Gamma is A):
	// Fixed: A; Uniform: A=min B=max; Triangular: A=min B=mode C=max;
	// Exponential: A=mean; LogNormal: A=mu B=sigma (of ln ms);
	// Weibull, Gamma: A=shape B=scale.
	A, B, C float64
	Values  []int64 // Empirical
}

// NewFixed returns the fixed duration d.
func NewFixed(d int64) Dist { return Dist{Kind: Fixed, A: float64(d)} }

// NewUniform returns the uniform distribution on [min, max].
func NewUniform(min, max int64) (Dist, error) {
	if min > max {
		return Dist{}, fmt.Errorf("uniform: min %s is above max %s", FormatDuration(min), FormatDuration(max))
	}
	return Dist{Kind: Uniform, A: float64(min), B: float64(max)}, nil
}

// NewTriangular returns the triangular distribution with the given min, mode and max.
func NewTriangular(min, mode, max int64) (Dist, error) {
	if !(min <= mode && mode <= max) {
		return Dist{}, fmt.Errorf("triangular: want min ≤ mode ≤ max, got %s, %s, %s", FormatDuration(min), FormatDuration(mode), FormatDuration(max))
	}
	return Dist{Kind: Triangular, A: float64(min), B: float64(mode), C: float64(max)}, nil
}

// NewExponential returns the exponential distribution with the given mean.
func NewExponential(mean int64) (Dist, error) {
	if mean <= 0 {
		return Dist{}, fmt.Errorf("exponential: mean must be > 0")
	}
	return Dist{Kind: Exponential, A: float64(mean)}, nil
}

// NewLogNormalQuantiles returns the lognormal distribution with the given
// median and 95th percentile.
func NewLogNormalQuantiles(median, p95 int64) (Dist, error) {
	if median <= 0 {
		return Dist{}, fmt.Errorf("lognormal: median must be > 0")
	}
	if p95 <= median {
		return Dist{}, fmt.Errorf("lognormal: p95 %s must be above the median %s", FormatDuration(p95), FormatDuration(median))
	}
	mu := math.Log(float64(median))
	return Dist{Kind: LogNormal, A: mu, B: (math.Log(float64(p95)) - mu) / z95}, nil
}

// NewLogNormal returns the lognormal distribution whose logarithm, in
// ln-hours, has mean mu and standard deviation sigma.
func NewLogNormal(mu, sigma float64) (Dist, error) {
	if !(sigma > 0) || math.IsInf(sigma, 0) || math.IsNaN(mu) || math.IsInf(mu, 0) {
		return Dist{}, fmt.Errorf("lognormal: want finite mu and sigma > 0")
	}
	return Dist{Kind: LogNormal, A: mu + lnHour, B: sigma}, nil
}

// NewWeibull returns the Weibull distribution with shape k and scale.
func NewWeibull(k float64, scale int64) (Dist, error) {
	if !(k > 0) || math.IsInf(k, 0) {
		return Dist{}, fmt.Errorf("weibull: shape must be > 0")
	}
	if scale <= 0 {
		return Dist{}, fmt.Errorf("weibull: scale must be > 0")
	}
	return Dist{Kind: Weibull, A: k, B: float64(scale)}, nil
}

// NewGamma returns the gamma distribution with shape k and scale.
func NewGamma(k float64, scale int64) (Dist, error) {
	if !(k > 0) || math.IsInf(k, 0) {
		return Dist{}, fmt.Errorf("gamma: shape must be > 0")
	}
	if scale <= 0 {
		return Dist{}, fmt.Errorf("gamma: scale must be > 0")
	}
	return Dist{Kind: Gamma, A: k, B: float64(scale)}, nil
}

// NewEmpirical returns the distribution drawing uniformly among values.
func NewEmpirical(values []int64) (Dist, error) {
	if len(values) == 0 {
		return Dist{}, fmt.Errorf("empirical: want at least one value")
	}
	return Dist{Kind: Empirical, Values: append([]int64(nil), values...)}, nil
}

// IsZero reports whether d always yields 0.
func (d Dist) IsZero() bool {
	switch d.Kind {
	case Fixed:
		return d.A == 0
	case Uniform:
		return d.B == 0
	case Triangular:
		return d.C == 0
	case Empirical:
		for _, v := range d.Values {
			if v != 0 {
				return false
			}
		}
		return true
	}
	return false
}

// Sample draws one duration in ms from src, rounded to the nearest ms (half
// up) and clamped at 0 (docs/model.md §6.10). It does not allocate.
func (d Dist) Sample(src rand.Source) int64 {
	var x float64
	switch d.Kind {
	case Fixed:
		return int64(d.A)
	case Uniform:
		x = d.A + (d.B-d.A)*unit(src)
	case Triangular:
		if d.A == d.C {
			return round(d.A)
		}
		x = distuv.NewTriangle(d.A, d.C, d.B, src).Rand()
	case Exponential:
		x = distuv.Exponential{Rate: 1 / d.A, Src: src}.Rand()
	case LogNormal:
		x = distuv.LogNormal{Mu: d.A, Sigma: d.B, Src: src}.Rand()
	case Weibull:
		x = distuv.Weibull{K: d.A, Lambda: d.B, Src: src}.Rand()
	case Gamma:
		x = distuv.Gamma{Alpha: d.A, Beta: 1 / d.B, Src: src}.Rand()
	case Empirical:
		return max(0, d.Values[src.Uint64()%uint64(len(d.Values))])
	default:
		panic("graph: unknown distribution kind")
	}
	return round(x)
}

// unit returns a uniform float64 in [0, 1) with 53 random bits.
func unit(src rand.Source) float64 {
	return float64(src.Uint64()>>11) * (1.0 / (1 << 53))
}

// RoundSample rounds a drawn duration x to the nearest ms, half up, and
// clamps it to [0, the longest duration], as Sample does: for a caller that
// draws from a family itself and must give the same result.
func RoundSample(x float64) int64 { return round(x) }

func round(x float64) int64 {
	if !(x > 0) { // also catches NaN
		return 0
	}
	if x >= maxDuration {
		return maxDuration
	}
	return int64(math.Floor(x + 0.5))
}

// Mean returns the distribution's mean in ms (before rounding and clamping,
// which change it by less than a millisecond for these families).
func (d Dist) Mean() float64 {
	switch d.Kind {
	case Fixed:
		return d.A
	case Uniform:
		return (d.A + d.B) / 2
	case Triangular:
		return (d.A + d.B + d.C) / 3
	case Exponential:
		return d.A
	case LogNormal:
		return math.Exp(d.A + d.B*d.B/2)
	case Weibull:
		return d.B * math.Gamma(1+1/d.A)
	case Gamma:
		return d.A * d.B
	case Empirical:
		var s float64
		for _, v := range d.Values {
			s += float64(v)
		}
		return s / float64(len(d.Values))
	}
	panic("graph: unknown distribution kind")
}

// String renders the distribution in the file syntax, for reports.
func (d Dist) String() string {
	f := func(x float64) string { return FormatDuration(round(x)) }
	switch d.Kind {
	case Fixed:
		return f(d.A)
	case Uniform:
		return fmt.Sprintf("uniform(%s..%s)", f(d.A), f(d.B))
	case Triangular:
		return fmt.Sprintf("triangular(%s, %s, %s)", f(d.A), f(d.B), f(d.C))
	case Exponential:
		return fmt.Sprintf("exponential(mean %s)", f(d.A))
	case LogNormal:
		return fmt.Sprintf("lognormal(median %s, p95 %s)", f(math.Exp(d.A)), f(math.Exp(d.A+z95*d.B)))
	case Weibull:
		return fmt.Sprintf("weibull(shape %g, scale %s)", d.A, f(d.B))
	case Gamma:
		return fmt.Sprintf("gamma(shape %g, scale %s)", d.A, f(d.B))
	case Empirical:
		parts := make([]string, len(d.Values))
		for i, v := range d.Values {
			parts[i] = FormatDuration(v)
		}
		return "empirical[" + strings.Join(parts, ", ") + "]"
	}
	return "unknown"
}
