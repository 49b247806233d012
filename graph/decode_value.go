package graph

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

const wantDuration = "a duration like 2h30m"

// duration decodes a duration (docs/model.md §3): a string with units, or 0,
// or an uncertain range of them (§3.1).
func (d *decoder) duration(nd node) (int64, bool) {
	d.lastUncertain = nil
	r, ok := d.resolve(nd)
	if !ok {
		return 0, false
	}
	if kvs, isU := d.uncertainMapping(r); isU {
		v, ok := d.uncertain(nd, kvs, UncertainDuration)
		return int64(math.Round(v)), ok
	}
	return d.plainDuration(r)
}

// plainDuration decodes a duration written as one.
func (d *decoder) plainDuration(nd node) (int64, bool) {
	r, ok := d.resolve(nd)
	if !ok {
		return 0, false
	}
	switch {
	case r.n.is(kindString):
		ms, err := ParseDuration(scalarText(r.n))
		if err != nil {
			d.errorf(nd, "%v: want %s", err, wantDuration)
			return 0, false
		}
		return ms, true
	case r.n.is(kindInt, kindFloat):
		text := scalarText(r.n)
		if v, ok := parseInt(text); ok && v == 0 {
			return 0, true
		}
		if f, err := strconv.ParseFloat(text, 64); err == nil && f < 0 {
			d.errorf(nd, "negative duration %s: want %s", text, wantDuration)
			return 0, false
		}
		d.errorf(nd, "want %s, got the number %s (a duration needs a unit: ms, s, m, h, d or w)", wantDuration, text)
		return 0, false
	}
	d.errorf(nd, "want %s, got %s", wantDuration, describe(r))
	return 0, false
}

// positiveDuration decodes a duration that must be > 0.
func (d *decoder) positiveDuration(nd node) (int64, bool) {
	ms, ok := d.duration(nd)
	if u := d.lastUncertain; ok && u != nil && u.Low <= 0 {
		d.errorf(nd, "want durations > 0, got the range [%s, %s]", u.Format(u.Low), u.Format(u.High))
		return ms, false
	}
	if ok && ms <= 0 {
		d.errorf(nd, "want a duration > 0, got %s", FormatDuration(ms))
		return ms, false
	}
	return ms, ok
}

// distParams lists the parameters of each family that takes a mapping.
var distParams = func() map[string][]string {
	m := map[string][]string{}
	for _, f := range families {
		if f.params != nil {
			m[f.name] = f.params.keys()
		}
	}
	return m
}()

// distWant says what the parameters of each family look like, for the
// error about a family not given a mapping. The texts are made once here:
// making them for every distribution read took half of dist's time.
var distWant = func() map[string]string {
	m := map[string]string{}
	for fam, known := range distParams {
		m[fam] = fmt.Sprintf("the parameters of %s, like {%s: ...}", fam, strings.Join(known, ": ..., "))
	}
	return m
}()

// dist decodes a distribution of durations (docs/model.md §3): a plain duration
// (fixed) or a mapping with one family key.
func (d *decoder) dist(nd node) (Dist, bool) {
	r, ok := d.resolve(nd)
	if !ok {
		return Dist{}, false
	}
	switch {
	case r.n.is(kindString, kindInt, kindFloat):
		ms, ok := d.duration(nd)
		return NewFixed(ms), ok
	case r.n.is(kindMap):
	default:
		d.errorf(nd, "want %s or a distribution like {lognormal: {median: 6h, p95: 14h}}, got %s", wantDuration, describe(r))
		return Dist{}, false
	}
	kvs, ok := d.mapping(nd, "a distribution")
	if !ok {
		return Dist{}, false
	}
	if isUncertain(kvs) {
		// A fixed duration within a range (docs/model.md §3.1).
		v, ok := d.uncertain(nd, kvs, UncertainDuration)
		return NewFixed(int64(math.Round(v))), ok
	}
	if len(kvs) != 1 {
		keys := make([]string, len(kvs))
		for i, e := range kvs {
			keys[i] = e.key()
		}
		d.errorf(nd, "want one distribution family (%s), got %d keys (%s)", strings.Join(distNames, ", "), len(kvs), strings.Join(keys, ", "))
		return Dist{}, false
	}
	fam, val := kvs[0].key(), kvs[0].val()
	switch fam {
	case "fixed":
		ms, ok := d.duration(val)
		return NewFixed(ms), ok
	case "empirical":
		items, ok := d.list(val, "a list of durations")
		if !ok {
			return Dist{}, false
		}
		values := make([]int64, 0, len(items))
		for _, it := range items {
			ms, ok1 := d.duration(it)
			ok = ok && ok1
			values = append(values, ms)
		}
		if !ok {
			return Dist{}, false
		}
		return d.checkDist(val)(NewEmpirical(values))
	}
	known, isFam := distParams[fam]
	if !isFam {
		d.errorf(kvs[0].knd(), "unknown distribution %q%s", fam, Suggest(fam, distNames))
		return Dist{}, false
	}
	pkv, ok := d.mapping(val, distWant[fam])
	if !ok {
		return Dist{}, false
	}
	p := d.fields(pkv, fam, known...)
	ok = true
	dur := func(name string) int64 {
		e, has := p.get(name)
		if !has {
			d.errorf(val, "%s: missing %s", fam, name)
			ok = false
			return 0
		}
		ms, ok1 := d.duration(e.val())
		ok = ok && ok1
		return ms
	}
	num := func(name string) float64 {
		e, has := p.get(name)
		if !has {
			d.errorf(val, "%s: missing %s", fam, name)
			ok = false
			return 0
		}
		f, ok1 := d.float(e.val())
		ok = ok && ok1
		return f
	}
	check := d.checkDist(val)
	switch fam {
	case "uniform":
		lo, hi := dur("min"), dur("max")
		if ok {
			return check(NewUniform(lo, hi))
		}
	case "triangular":
		lo, mode, hi := dur("min"), dur("mode"), dur("max")
		if ok {
			return check(NewTriangular(lo, mode, hi))
		}
	case "exponential":
		mean := dur("mean")
		if ok {
			return check(NewExponential(mean))
		}
	case "lognormal":
		_, hasMu := p.get("mu")
		_, hasSigma := p.get("sigma")
		_, hasMedian := p.get("median")
		_, hasP95 := p.get("p95")
		if (hasMu || hasSigma) && (hasMedian || hasP95) {
			d.errorf(val, "lognormal: give either {median, p95} or {mu, sigma}, not both")
			return Dist{}, false
		}
		if hasMu || hasSigma {
			mu, sigma := num("mu"), num("sigma")
			if ok {
				return check(NewLogNormal(mu, sigma))
			}
			break
		}
		median, p95 := dur("median"), dur("p95")
		if ok {
			return check(NewLogNormalQuantiles(median, p95))
		}
	case "weibull":
		k, scale := num("shape"), dur("scale")
		if ok {
			return check(NewWeibull(k, scale))
		}
	case "gamma":
		k, scale := num("shape"), dur("scale")
		if ok {
			return check(NewGamma(k, scale))
		}
	}
	return Dist{}, false
}

// checkDist reports a constructor's error at nd.
func (d *decoder) checkDist(nd node) func(Dist, error) (Dist, bool) {
	return func(x Dist, err error) (Dist, bool) {
		if err != nil {
			d.errorf(nd, "%v", err)
			return Dist{}, false
		}
		return x, true
	}
}

// maxFractionDigits is the most decimals a power-restore fraction may have.
const maxFractionDigits = 9

// ParseFraction parses a decimal such as "0.35" exactly into 35/100 (docs/model.md
// §6.10: fits compares with the fraction as written). Trailing zeros are
// dropped (1.0 is 1/1); at most 9 decimals are allowed.
func ParseFraction(s string) (Fraction, error) {
	in := s
	intPart, fracPart, _ := strings.Cut(s, ".")
	if strings.HasPrefix(s, "-") {
		return Fraction{}, fmt.Errorf("fraction %s is negative: want a decimal in (0, 1] like 0.35", in)
	}
	if intPart == "" && fracPart == "" || !allDigits(intPart) || !allDigits(fracPart) {
		return Fraction{}, fmt.Errorf("malformed fraction %q: want a decimal like 0.35", in)
	}
	fracPart = strings.TrimRight(fracPart, "0")
	if len(fracPart) > maxFractionDigits {
		return Fraction{}, fmt.Errorf("fraction %q has more than %d decimals", in, maxFractionDigits)
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 9 {
		return Fraction{}, fmt.Errorf("fraction %q is too large", in)
	}
	den := int64(1)
	for range len(fracPart) {
		den *= 10
	}
	var whole, frac int64
	if intPart != "" {
		whole, _ = strconv.ParseInt(intPart, 10, 64)
	}
	if fracPart != "" {
		frac, _ = strconv.ParseInt(fracPart, 10, 64)
	}
	return Fraction{Num: whole*den + frac, Den: den}, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// fraction decodes a power-restore fraction from the number's literal
// text, or an uncertain one (docs/model.md §3.1), whose value becomes the
// decimal of at most 9 digits nearest to it.
func (d *decoder) fraction(nd node) (Fraction, bool) {
	d.lastUncertain = nil
	r, ok := d.resolve(nd)
	if !ok {
		return Fraction{}, false
	}
	if kvs, isU := d.uncertainMapping(r); isU {
		v, ok := d.uncertain(nd, kvs, UncertainFraction)
		if !ok {
			return Fraction{}, false
		}
		f, err := ParseFraction(strconv.FormatFloat(v, 'f', maxFractionDigits, 64))
		return f, err == nil
	}
	text, ok := numberText(r.n)
	if !ok {
		d.errorf(nd, "want a fraction like 0.35, got %s", describe(r))
		return Fraction{}, false
	}
	f, err := ParseFraction(text)
	if err != nil {
		d.errorf(nd, "%v", err)
		return Fraction{}, false
	}
	return f, true
}

// rateUnits are the periods a rate may be given per, as periods per year
// (docs/model.md §6.10: a year is 365 days).
var rateUnits = map[string]float64{
	"y": 1,
	"w": float64(Year) / float64(Week),
	"d": float64(Year) / float64(Day),
}

// ParseRate parses a rate such as "2/y" (also "N/w" and "N/d") into
// occurrences per 365-day year.
func ParseRate(s string) (float64, error) {
	num, unit, ok := strings.Cut(strings.TrimSpace(s), "/")
	per, known := rateUnits[strings.TrimSpace(unit)]
	if !ok || !known {
		return 0, fmt.Errorf("malformed rate %q: want occurrences per period like 2/y (or N/w, N/d)", s)
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || n != n || n > 1e12 {
		return 0, fmt.Errorf("malformed rate %q: bad number %q", s, num)
	}
	if n <= 0 {
		return 0, fmt.Errorf("rate %q must be > 0", s)
	}
	return n * per, nil
}

// rate decodes a rate, or an uncertain one (docs/model.md §3.1).
func (d *decoder) rate(nd node) (float64, bool) {
	d.lastUncertain = nil
	r, ok := d.resolve(nd)
	if !ok {
		return 0, false
	}
	if kvs, isU := d.uncertainMapping(r); isU {
		return d.uncertain(nd, kvs, UncertainRate)
	}
	return d.plainRate(nd, r)
}

// plainRate decodes a rate written as one at nd, resolved to r.
func (d *decoder) plainRate(nd, r node) (float64, bool) {
	if !r.n.is(kindString) {
		d.errorf(nd, "want a rate like 2/y, got %s", describe(r))
		return 0, false
	}
	v, err := ParseRate(scalarText(r.n))
	if err != nil {
		d.errorf(nd, "%v", err)
		return 0, false
	}
	return v, true
}

// probability decodes a number in [0, 1], or an uncertain one.
func (d *decoder) probability(nd node) (float64, bool) {
	p, ok := d.share(nd, UncertainProbability)
	if ok && !(p >= 0 && p <= 1) {
		d.errorf(nd, "want a probability in [0, 1], got %v", p)
		return 0, false
	}
	return p, ok
}
