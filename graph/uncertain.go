package graph

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Uncertain inputs (docs/model.md §3.1): a value written
// {uncertain: {low: 30m, high: 4h}} instead of a plain one. The file's plain
// run uses the input's nominal value; File.With decodes the file again with
// other values in the range, for sensitivity and uncertainty studies.

// UncertainKind says what an uncertain input measures.
type UncertainKind uint8

const (
	// UncertainDuration is a duration in milliseconds.
	UncertainDuration UncertainKind = iota
	// UncertainProbability is a probability in [0, 1].
	UncertainProbability
	// UncertainFraction is a share in [0, 1] (a power-restore fraction).
	UncertainFraction
	// UncertainCount is a whole number (crews, load, servers).
	UncertainCount
	// UncertainRate is occurrences per 365-day year, as Event.Rate.
	UncertainRate
)

var uncertainKindNames = [...]string{"duration", "probability", "fraction", "count", "rate"}

func (k UncertainKind) String() string {
	if int(k) < len(uncertainKindNames) {
		return uncertainKindNames[k]
	}
	return "UncertainKind(" + strconv.Itoa(int(k)) + ")"
}

// UncertainDist is the distribution of an uncertain input over its range.
type UncertainDist uint8

const (
	// UniformRange is uniform over [Low, High] (the default).
	UniformRange UncertainDist = iota
	// TriangularRange rises from Low to Mode and falls to High.
	TriangularRange
	// LogUniformRange has a uniform logarithm over [Low, High], Low > 0.
	LogUniformRange
)

var uncertainDistNames = []string{"uniform", "triangular", "loguniform"}

func (u UncertainDist) String() string {
	if int(u) < len(uncertainDistNames) {
		return uncertainDistNames[u]
	}
	return "UncertainDist(" + strconv.Itoa(int(u)) + ")"
}

// Uncertain is one input written {uncertain: {...}} in the file.
type Uncertain struct {
	// Path is the input's key path from the file's root, as in errors:
	// "platform.services[3].restart.manual.lognormal.median".
	Path      string
	Line, Col int // where the {uncertain: ...} mapping is
	// File is the file the input is written in: the platform file a
	// scenario file refers to, or the file itself.
	File string
	Kind UncertainKind
	Dist UncertainDist
	// Low, Mode and High are in the model's units (ms for durations,
	// occurrences per year for rates); Mode only for TriangularRange.
	Low, Mode, High float64
	// Nominal is the value a plain run uses: the mode of a triangular
	// range, the midpoint of a uniform one, the geometric mean of a
	// log-uniform one; rounded to a whole millisecond for a duration and
	// to the nearest integer for a count (docs/model.md §3.1).
	Nominal float64
}

// nominal returns the value a plain run uses for a range.
func nominal(kind UncertainKind, dist UncertainDist, low, mode, high float64) float64 {
	var v float64
	switch dist {
	case TriangularRange:
		v = mode
	case LogUniformRange:
		v = math.Sqrt(low) * math.Sqrt(high)
	default:
		v = (low + high) / 2
	}
	return roundKind(kind, v, low, high)
}

// roundKind rounds v as kind stores it (whole ms, whole counts), kept in
// [low, high].
func roundKind(kind UncertainKind, v, low, high float64) float64 {
	if kind == UncertainDuration || kind == UncertainCount {
		v = math.Round(v)
	}
	return min(max(v, low), high)
}

// Quantile returns the value at probability p in [0, 1] of u's
// distribution, for Latin hypercube sampling: Low + p(High − Low) for a
// uniform range, the inverse of the triangular distribution function, and
// Low·(High/Low)^p for a log-uniform range. A duration is rounded to a whole
// millisecond. A count is an integer in [Low, High]: the continuous
// quantile over [Low − ½, High + ½] rounded, so that each integer of a
// uniform range is equally likely. p outside [0, 1] is clamped.
func (u Uncertain) Quantile(p float64) float64 {
	if !(p >= 0) {
		p = 0
	}
	p = min(p, 1)
	lo, mode, hi := u.Low, u.Mode, u.High
	if u.Kind == UncertainCount {
		lo, hi = lo-0.5, hi+0.5
	}
	var v float64
	switch {
	case hi <= lo:
		v = lo
	case u.Dist == TriangularRange:
		fc := (mode - lo) / (hi - lo)
		if p < fc {
			v = lo + math.Sqrt(p*(hi-lo)*(mode-lo))
		} else {
			v = hi - math.Sqrt((1-p)*(hi-lo)*(hi-mode))
		}
	case u.Dist == LogUniformRange:
		v = math.Exp(math.Log(lo) + p*(math.Log(hi)-math.Log(lo)))
	default:
		v = lo + p*(hi-lo)
	}
	if u.Kind == UncertainCount {
		v = math.Floor(v + 0.5)
	}
	return roundKind(u.Kind, v, u.Low, u.High)
}

// Format renders a value of u in the file's own notation: "1h30m" for a
// duration (every unit written out, so that it reads back exactly to the
// millisecond), "0.25" for a probability or a fraction, "3" for a count,
// "0.3/y" for a rate.
func (u Uncertain) Format(v float64) string {
	switch u.Kind {
	case UncertainDuration:
		return exactDuration(int64(math.Round(v)))
	case UncertainCount:
		return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
	case UncertainRate:
		return strconv.FormatFloat(v, 'g', -1, 64) + "/y"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// exactDuration writes ms with every unit from days down that is not zero
// ("1d2h", "1h6m", "2h15m30s250ms"), so that ParseDuration gives ms back.
func exactDuration(ms int64) string {
	if ms == 0 {
		return "0"
	}
	var b strings.Builder
	if ms < 0 {
		b.WriteByte('-')
		ms = -ms
	}
	for _, u := range []struct {
		name string
		ms   int64
	}{{"d", Day}, {"h", Hour}, {"m", Minute}, {"s", Second}, {"ms", Millisecond}} {
		if n := ms / u.ms; n > 0 {
			b.WriteString(strconv.FormatInt(n, 10))
			b.WriteString(u.name)
			ms -= n * u.ms
		}
	}
	return b.String()
}

// Uncertain lists the file's uncertain inputs: those of the platform first,
// then the rest in the order they are written. A range written under a
// YAML anchor and used through aliases is one input, named by the path
// where the loader first reads it.
func (f *File) Uncertain() []Uncertain {
	return slices.Clone(f.uncertain)
}

// With returns the file decoded again with the uncertain input at each
// path of values set to that value and every other uncertain input at its
// nominal value. An unknown path, or a value outside [Low, High] (or not an
// integer for a count), is an error; so is a value the rest of the file
// does not accept (a power-restore fraction below the stage before it).
// f itself is not changed, and the result keeps f's Digest (it is the same
// file, run with other values). With composes with File.Apply: the result's
// Apply applies mitigations on top of the values given here.
func (f *File) With(values map[string]float64) (*File, error) {
	if f.parsed == nil {
		return nil, fmt.Errorf("%s: the file was not loaded from its source, so it cannot be decoded again", f.Name)
	}
	var errs ErrorList
	paths := make([]string, 0, len(values))
	for p := range values {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		v := values[p]
		i := slices.IndexFunc(f.uncertain, func(u Uncertain) bool { return u.Path == p })
		if i < 0 {
			known := make([]string, len(f.uncertain))
			for j, u := range f.uncertain {
				known[j] = u.Path
			}
			what := "no uncertain input"
			if len(known) == 0 {
				what = "the file has no uncertain input, and none"
			}
			errs.Add(Pos{File: f.Name}, p, "%s at this path%s", what, Suggest(p, known))
			continue
		}
		u := f.uncertain[i]
		pos := Pos{File: u.File, Line: u.Line, Col: u.Col}
		switch {
		case !(v >= u.Low && v <= u.High):
			errs.Add(pos, p, "value %s is outside the range [%s, %s]", u.Format(v), u.Format(u.Low), u.Format(u.High))
		case u.Kind == UncertainCount && v != math.Trunc(v):
			errs.Add(pos, p, "value %v is not a whole number: want a count", v)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	d := &decoder{uvals: values, parsed: f.parsed, maxAliases: f.parsed.maxAliases}
	open := func(ref string) ([]byte, string, error) {
		name, ok := f.parsed.refs[ref]
		if !ok {
			return nil, "", fmt.Errorf("platform file %q was not read when the file was loaded", ref)
		}
		return nil, name, nil
	}
	out, err := d.decodeAll(nil, f.Name, open)
	if err != nil {
		return nil, err
	}
	out.Digest = f.Digest
	out.uvals = values
	return out, nil
}

// uncertainKeys are the keys of the mapping under uncertain.
var uncertainKeys = uncertainObject.keys()

// isUncertain reports whether the mapping kvs is an uncertain input: one
// of its keys is "uncertain".
func isUncertain(kvs []kv) bool {
	for _, e := range kvs {
		if e.key() == "uncertain" {
			return true
		}
	}
	return false
}

// uncertainMapping returns the keys of nd when it is a mapping with an
// uncertain key, for the decoders of plain values: they call it only when
// nd is not the scalar they want.
func (d *decoder) uncertainMapping(r node) ([]kv, bool) {
	if !r.n.is(kindMap) {
		return nil, false
	}
	kvs, ok := d.mapping(r, "a mapping")
	if !ok || !isUncertain(kvs) {
		return nil, false
	}
	return kvs, true
}

// uncertain decodes {uncertain: {low, high, dist, mode}} at nd, whose keys
// are kvs, as an input of kind k; it records the input and returns the
// value this load uses: the value With gave for its path, else the
// nominal one.
func (d *decoder) uncertain(nd node, kvs []kv, k UncertainKind) (float64, bool) {
	d.lastUncertain = nil
	var inner node
	for _, e := range kvs {
		if e.key() == "uncertain" {
			inner = e.val()
		}
	}
	if len(kvs) != 1 {
		for _, e := range kvs {
			if e.key() != "uncertain" {
				d.errorf(e.knd(), "unknown key %q beside uncertain: an uncertain input is a mapping with the one key uncertain, like {uncertain: {low: 30m, high: 4h}}", e.key())
			}
		}
		return 0, false
	}
	ikvs, ok := d.mapping(inner, "a range like {low: 30m, high: 4h}")
	if !ok {
		return 0, false
	}
	f := d.fields(ikvs, "uncertain", uncertainKeys...)
	u := Uncertain{Kind: k}
	pos := nd.pos()
	u.File, u.Line, u.Col = pos.File, pos.Line, pos.Col
	ok = true
	if v, has := f.get("dist"); has {
		if s, good := d.str(v.val()); good {
			i := slices.Index(uncertainDistNames, s)
			if i < 0 {
				d.errorf(v.val(), "unknown dist %q%s (want uniform, triangular or loguniform)", s, Suggest(s, uncertainDistNames))
				ok = false
			}
			u.Dist = UncertainDist(max(i, 0))
		} else {
			ok = false
		}
	}
	bound := func(key string) (float64, node, bool) {
		e, has := f.get(key)
		if !has {
			return 0, inner, false
		}
		x, good := d.bound(e.val(), k)
		ok = ok && good
		return x, e.val(), good
	}
	var hasLow, hasHigh bool
	var lowNd, highNd node
	u.Low, lowNd, hasLow = bound("low")
	u.High, highNd, hasHigh = bound("high")
	for _, m := range []struct {
		key string
		has bool
	}{{"low", hasLow}, {"high", hasHigh}} {
		if _, given := f.get(m.key); !given {
			d.errorf(inner, "missing %s: want a range like {low: 30m, high: 4h}", m.key)
			ok = false
		}
	}
	modeKV, hasMode := f.get("mode")
	switch {
	case u.Dist == TriangularRange && !hasMode:
		d.errorf(inner, "a triangular range needs a mode (its most likely value)")
		ok = false
	case u.Dist != TriangularRange && hasMode:
		d.errorf(modeKV.knd(), "mode applies to dist: triangular, not to %s", u.Dist)
		ok = false
	case hasMode:
		var good bool
		u.Mode, _, good = bound("mode")
		hasMode = good
	}
	if !ok || !hasLow || !hasHigh {
		return 0, false
	}
	if u.Low > u.High {
		d.errorf(highNd, "low %s is above high %s", u.Format(u.Low), u.Format(u.High))
		return 0, false
	}
	if u.Dist == LogUniformRange && u.Low <= 0 {
		d.errorf(lowNd, "a loguniform range needs low > 0, got %s", u.Format(u.Low))
		return 0, false
	}
	if hasMode && !(u.Mode >= u.Low && u.Mode <= u.High) {
		d.errorf(modeKV.val(), "mode %s is outside [%s, %s]", u.Format(u.Mode), u.Format(u.Low), u.Format(u.High))
		return 0, false
	}
	u.Path = nd.path.String()
	u.Nominal = nominal(k, u.Dist, u.Low, u.Mode, u.High)
	// A range written once under a YAML anchor and used through aliases
	// is one input, named by the path where it is first read: one
	// assumption shared by many services varies as one.
	if r, good := d.resolveQuiet(nd); good {
		if first, seen := d.uncertainNodes[r.n]; seen {
			u = first
		} else {
			pos := r.pos()
			u.Line, u.Col = pos.Line, pos.Col
			if p, ok := d.xRanges[r.n]; ok {
				u.Path = p
			}
			if d.uncertainNodes == nil {
				d.uncertainNodes = map[*tnode]Uncertain{}
			}
			d.uncertainNodes[r.n] = u
		}
	}
	d.record(u)
	d.lastUncertain = &u
	if v, given := d.uvals[u.Path]; given {
		return v, true
	}
	return u.Nominal, true
}

// anchoredRanges notes the path of every {uncertain: ...} written under a
// top-level x- key (a place for anchors), which names the input wherever
// it is aliased: x-assumptions.app-restart reads better in a tornado than
// the first service that uses it. The x- keys are otherwise not checked,
// so nothing is reported here.
func (d *decoder) anchoredRanges(nd node, depth int) {
	if depth > 8 {
		return
	}
	saved, aliases := len(d.errs), d.aliases
	defer func() { d.errs, d.aliases = d.errs[:saved], aliases }()
	r, ok := d.resolve(nd)
	if !ok || !r.n.is(kindMap) || nd.n.is(kindAlias) {
		return
	}
	kvs, ok := d.mapping(r, "")
	if !ok {
		return
	}
	if isUncertain(kvs) {
		if d.xRanges == nil {
			d.xRanges = map[*tnode]string{}
		}
		d.xRanges[r.n] = nd.path.String()
		return
	}
	for _, e := range kvs {
		d.anchoredRanges(e.val(), depth+1)
	}
}

// record adds u to the file's uncertain inputs, once per path: a platform
// is decoded again for every scenario patch and mitigation.
func (d *decoder) record(u Uncertain) {
	if d.uncertainSeen == nil {
		d.uncertainSeen = map[string]bool{}
	}
	if d.uncertainSeen[u.Path] {
		return
	}
	d.uncertainSeen[u.Path] = true
	d.uncertains = append(d.uncertains, u)
}

// bound decodes a low, high or mode of kind k.
func (d *decoder) bound(nd node, k UncertainKind) (float64, bool) {
	r, ok := d.resolve(nd)
	if !ok {
		return 0, false
	}
	if _, isU := d.uncertainMapping(r); isU {
		d.errorf(nd, "an uncertain range cannot have uncertain bounds: want a plain %s", k)
		return 0, false
	}
	switch k {
	case UncertainDuration:
		ms, ok := d.plainDuration(nd)
		return float64(ms), ok
	case UncertainCount:
		n, ok := d.int(nd)
		if ok && n < 0 {
			d.errorf(nd, "want a count ≥ 0, got %d", n)
			return 0, false
		}
		return float64(n), ok
	case UncertainRate:
		return d.plainRate(nd, r)
	}
	x, ok := d.float(nd)
	if ok && !(x >= 0 && x <= 1) {
		d.errorf(nd, "want a %s in [0, 1], got %v", k, x)
		return 0, false
	}
	return x, ok
}

// sortUncertain puts the platform's inputs first, then the others by their
// place in the file.
func sortUncertain(us []Uncertain) {
	sort.SliceStable(us, func(i, j int) bool {
		pi, pj := strings.HasPrefix(us[i].Path, "platform."), strings.HasPrefix(us[j].Path, "platform.")
		if pi != pj {
			return pi
		}
		if us[i].Line != us[j].Line {
			return us[i].Line < us[j].Line
		}
		return us[i].Col < us[j].Col
	})
}

// noUncertain is the kind of a number that cannot be uncertain.
const noUncertain UncertainKind = 255

// cannotBeUncertain reports an uncertain input at nd, resolved to r, where
// the value cannot be one (an id, a name, a reference, a switch, a number
// that shapes the model like a quorum); it returns whether it did.
func (d *decoder) cannotBeUncertain(nd, r node) bool {
	if _, isU := d.uncertainMapping(r); !isU {
		return false
	}
	what := "this value"
	switch p := nd.path; {
	case p != nil && p.key != "":
		what = p.key
	case p != nil && p.parent != nil && p.parent.key != "":
		what = "an entry of " + p.parent.key
	}
	d.errorf(nd, "%s cannot be uncertain: uncertain ranges are for durations, probabilities, fractions, counts (crews, load, servers, users) and rates (docs/model.md §3.1)", what)
	return true
}

// rangeAtLeast reports the uncertain input the latest value came from when
// its low is below least, for values whose limit is stricter than their
// kind's (a load ≥ 1, a fraction > 0); it returns false when it did.
func (d *decoder) rangeAtLeast(nd node, least float64, strict bool, what string) bool {
	u := d.lastUncertain
	if u == nil || u.Low > least || !strict && u.Low == least {
		return true
	}
	op := "≥"
	if strict {
		op = ">"
	}
	d.errorf(nd, "want %s %s %s, got the range [%s, %s]", what, op, u.Format(least), u.Format(u.Low), u.Format(u.High))
	return false
}
