package graph

import (
	"fmt"
	"slices"
)

var (
	scenarioKeys = scenarioObject.keys()
	stageKeys    = stageObject.keys()
	// eventKeys lists the keys each event kind takes (docs/model.md §5).
	eventKeys    = keysByKind(eventObject)
	allEventKeys = eventObject.keys()
)

// Scenario defaults (docs/model.md §6.10).
const (
	DefaultHorizon    = Week
	DefaultTrials     = 10000
	DefaultBreakGlass = 12 * Hour
	DefaultSoftWeight = 0.5
	DefaultPriority   = 5
)

// scenario decodes one scenario; refs collects the references of its events,
// checked by the caller against the scenario's (patched) platform.
// It also returns the scenario's patch, if any, and the node of its id.
func (d *decoder) scenario(nd node, refs *[]ref) (*Scenario, *kv, node) {
	idNd := nd
	kvs, ok := d.mapping(nd, "a scenario mapping (id, events, ...)")
	if !ok {
		return nil, nil, idNd
	}
	f := d.fields(kvs, "scenario", scenarioKeys...)
	sc := &Scenario{
		Horizon:    DefaultHorizon,
		Trials:     DefaultTrials,
		BreakGlass: NewFixed(DefaultBreakGlass),
		SoftWeight: DefaultSoftWeight,
		Pos:        nd.pos(),
	}
	if v, ok := f.get("id"); ok {
		idNd = v.val()
		sc.ID, _ = d.id(v.val(), "scenario")
	} else {
		d.errorf(nd, "scenario has no id")
	}
	if v, ok := f.get("description"); ok {
		sc.Description = d.text(v.val(), "description")
	}
	if v, ok := f.get("horizon"); ok {
		if h, ok := d.duration(v.val()); ok {
			if h <= 0 || h > MaxHorizon {
				d.errorf(v.val(), "want a horizon in (0, %s] (a century), got %s", FormatDuration(MaxHorizon), FormatDuration(h))
			} else {
				sc.Horizon = h
			}
		}
	}
	if v, ok := f.get("trials"); ok {
		if n, ok := d.int(v.val()); ok {
			if n <= 0 || n > MaxTrials {
				d.errorf(v.val(), "want trials in [1, %d], got %d", MaxTrials, n)
			} else {
				sc.Trials = int(n)
			}
		}
	}
	if v, ok := f.get("crews"); ok {
		if n, ok := d.count(v.val()); ok {
			if n < 0 {
				d.errorf(v.val(), "want crews ≥ 0 (omit for unlimited), got %d", n)
			} else {
				sc.Crews = int(min(n, 1<<30))
			}
		}
	}
	if v, ok := f.get("break_glass"); ok {
		if x, ok := d.dist(v.val()); ok {
			sc.BreakGlass = x
		}
	}
	if v, ok := f.get("soft_weight"); ok {
		if x, ok := d.share(v.val(), UncertainFraction); ok {
			if !(x >= 0 && x <= 1) {
				d.errorf(v.val(), "want soft_weight in [0, 1], got %v", x)
			} else {
				sc.SoftWeight = x
			}
		}
	}
	if v, ok := f.get("events"); ok {
		if items, ok := d.list(v.val(), "a list of events"); ok {
			for _, it := range items {
				if ev, ok := d.event(it, refs, sc.Horizon); ok {
					sc.Events = append(sc.Events, ev)
				}
			}
		}
	}
	if v, ok := f.get("patch"); ok {
		return sc, &v, idNd
	}
	return sc, nil, idNd
}

// event decodes one event.
func (d *decoder) event(nd node, refs *[]ref, horizon int64) (Event, bool) {
	ev := Event{Probability: 1, Pos: nd.pos()}
	kvs, ok := d.mapping(nd, "an event mapping (kind, ...)")
	if !ok {
		return ev, false
	}
	f := d.fields(kvs, "event", allEventKeys...)
	kindKV, hasKind := f.get("kind")
	if !hasKind {
		d.errorf(nd, "event has no kind: want one of site-outage, region-outage, isolate, service-fault, random-failures")
		return ev, false
	}
	name, ok := d.str(kindKV.val())
	if !ok {
		return ev, false
	}
	kind := -1
	for i, k := range EventKinds {
		if k == name {
			kind = i
		}
	}
	if kind < 0 {
		d.errorf(kindKV.val(), "unknown event kind %q%s", name, Suggest(name, EventKinds))
		return ev, false
	}
	ev.Kind = EventKind(kind)
	ok = true
	for _, e := range kvs {
		if slices.Contains(allEventKeys, e.key()) && !slices.Contains(eventKeys[ev.Kind], e.key()) {
			d.errorf(e.knd(), "%s does not apply to %s events", e.key(), ev.Kind)
			ok = false
		}
	}
	if v, has := f.get("cause"); has {
		ev.Cause, _ = d.str(v.val())
	}
	if v, has := f.get("at"); has {
		ev.At, _ = d.dist(v.val())
	}
	pv, hasP := f.get("probability")
	rv, hasR := f.get("rate")
	if hasP && hasR {
		d.errorf(rv.knd(), "give probability or rate, not both")
		ok = false
	} else if hasP {
		ev.Probability, _ = d.probability(pv.val())
	} else if hasR {
		ev.Rate, _ = d.rate(rv.val())
		// Every occurrence is drawn and scheduled up front: bound them
		// before a trial tries to hold 10^13 of them.
		text, most := scalarText(rv.val().n), ev.Rate
		if u := d.lastUncertain; u != nil {
			text, most = u.Format(u.High), u.High
		}
		if n := most * float64(horizon) / float64(Year); n > MaxOccurrences {
			d.errorf(rv.val(), "rate %s over the %s horizon means about %.2g occurrences per trial: at most %d",
				text, FormatDuration(horizon), n, MaxOccurrences)
			ok = false
		}
	}
	required := func(key string) (kv, bool) {
		v, has := f.get(key)
		if !has && slices.Contains(eventKeys[ev.Kind], key) {
			d.errorf(nd, "%s event has no %s", ev.Kind, key)
			ok = false
		}
		return v, has
	}
	bv, hasBuilding := f.get("building")
	hasBuilding = hasBuilding && ev.Kind == SiteOutage
	switch {
	case hasBuilding:
		if sv, both := f.get("site"); both {
			d.errorf(sv.knd(), "give site or building, not both")
			ok = false
		} else if id, good := d.id(bv.val(), "building"); good {
			ev.Building = id
			*refs = append(*refs, ref{kind: "building", id: id, nd: bv.val()})
		}
	}
	switch ev.Kind {
	case SiteOutage, Isolate:
		if hasBuilding {
			break
		}
		if _, has := f.get("site"); !has && ev.Kind == SiteOutage {
			d.errorf(nd, "site-outage event has no site or building")
			ok = false
			break
		}
		if v, has := required("site"); has {
			if id, good := d.id(v.val(), "site"); good {
				ev.Site = id
				*refs = append(*refs, ref{kind: "site", id: id, nd: v.val()})
			}
		}
	case RegionOutage:
		if v, has := required("region"); has {
			if r, good := d.str(v.val()); good {
				ev.Region = r
				*refs = append(*refs, ref{kind: "region", id: r, nd: v.val()})
			}
		}
	case ServiceFault:
		if v, has := required("services"); has {
			ev.Services = d.faultServices(v.val(), refs)
		}
	}
	if ev.Kind == Isolate || ev.Kind == ServiceFault {
		required("duration")
	}
	if v, has := f.get("duration"); has && slices.Contains(eventKeys[ev.Kind], "duration") {
		if zones, isMap := d.zoneMap(v.val(), ev.Building != ""); isMap {
			ev.Zones = d.zoneDurations(v.val(), zones, &ev, refs)
		} else if x, good := d.dist(v.val()); good {
			ev.Duration = &x
		}
	}
	if v, has := f.get("power_restore"); has && slices.Contains(eventKeys[ev.Kind], "power_restore") {
		if dv, both := f.get("duration"); both {
			d.errorf(dv.knd(), "give power_restore or duration, not both")
			ok = false
		}
		if zones, isMap := d.zoneMap(v.val(), true); isMap {
			if ev.Building == "" {
				d.errorf(v.val(), "power_restore zone by zone needs building: (a site-outage of a building): for one site, give a list of stages like [{after: 20h, fraction: 0.35}, {after: 2d, fraction: 1.0}]")
				ok = false
			} else {
				ev.Zones = d.zoneStages(v.val(), zones, &ev, refs)
			}
		} else {
			ev.PowerRestore = d.stages(v.val())
		}
	}
	if v, has := f.get("destroys_data"); has && slices.Contains(eventKeys[ev.Kind], "destroys_data") {
		ev.DestroysData, _ = d.probability(v.val())
	}
	return ev, ok
}

// zoneMap returns the entries of a mapping given zone by zone: any
// mapping for power_restore, and for duration a mapping none of whose keys
// is a distribution family (so {uniform: {min: 1h, max: 2h}} stays a
// distribution). It reports isMap false for every other value, which the
// caller decodes as a list of stages or a distribution.
func (d *decoder) zoneMap(nd node, allowed bool) ([]kv, bool) {
	if !allowed {
		return nil, false
	}
	r, ok := d.resolveQuiet(nd)
	if !ok || !r.n.is(kindMap) {
		return nil, false
	}
	kvs, ok := d.mapping(nd, "a mapping of zones")
	if !ok {
		return nil, false
	}
	for _, e := range kvs {
		if slices.Contains(distNames, e.key()) || e.key() == "uncertain" {
			return nil, false
		}
	}
	return kvs, true
}

// zoneStages decodes power_restore given zone by zone; the zones are
// checked against the building once the scenario's platform is known.
func (d *decoder) zoneStages(nd node, kvs []kv, ev *Event, refs *[]ref) []ZonePower {
	if len(kvs) == 0 {
		d.errorf(nd, "want at least one zone: a mapping like {hall-a: [{after: 20h, fraction: 1.0}]}")
		return nil
	}
	out := make([]ZonePower, 0, len(kvs))
	for _, e := range kvs {
		*refs = append(*refs, ref{kind: "zone", id: e.key(), building: ev.Building, nd: e.knd()})
		out = append(out, ZonePower{Zone: e.key(), PowerRestore: d.stages(e.val()), Pos: e.knd().pos()})
	}
	*refs = append(*refs, ref{kind: "zones", building: ev.Building, zones: zoneNames(out), nd: nd})
	return out
}

// zoneDurations decodes duration given zone by zone.
func (d *decoder) zoneDurations(nd node, kvs []kv, ev *Event, refs *[]ref) []ZonePower {
	if len(kvs) == 0 {
		d.errorf(nd, "want at least one zone: a mapping like {hall-a: 20h, hall-b: 3d}")
		return nil
	}
	out := make([]ZonePower, 0, len(kvs))
	for _, e := range kvs {
		*refs = append(*refs, ref{kind: "zone", id: e.key(), building: ev.Building, nd: e.knd()})
		z := ZonePower{Zone: e.key(), Pos: e.knd().pos()}
		if x, good := d.dist(e.val()); good {
			z.Duration = &x
		}
		out = append(out, z)
	}
	*refs = append(*refs, ref{kind: "zones", building: ev.Building, zones: zoneNames(out), nd: nd})
	return out
}

func zoneNames(zs []ZonePower) []string {
	out := make([]string, len(zs))
	for i, z := range zs {
		out[i] = z.Zone
	}
	return out
}

func (d *decoder) faultServices(nd node, refs *[]ref) []string {
	items, ok := d.list(nd, "a list of services")
	if !ok {
		return nil
	}
	if len(items) == 0 {
		d.errorf(nd, "want at least one service")
	}
	var out []string
	for _, it := range items {
		id, ok := d.id(it, "service")
		if !ok {
			continue
		}
		if slices.Contains(out, id) {
			d.errorf(it, "service %q is listed twice", id)
			continue
		}
		*refs = append(*refs, ref{kind: "service", id: id, nd: it})
		out = append(out, id)
	}
	return out
}

// stages decodes power_restore: cumulative fractions in (0, 1], never
// decreasing, the last 1.0 (docs/model.md §6.2).
func (d *decoder) stages(nd node) []Stage {
	items, ok := d.list(nd, "a list of stages like {after: 20h, fraction: 0.35}")
	if !ok {
		return nil
	}
	if len(items) == 0 {
		d.errorf(nd, "want at least one stage (the last with fraction 1.0)")
		return nil
	}
	var out []Stage
	var prev *Fraction
	allOK := true
	for _, it := range items {
		kvs, ok := d.mapping(it, "a stage like {after: 20h, fraction: 0.35}")
		if !ok {
			allOK = false
			continue
		}
		f := d.fields(kvs, "stage", stageKeys...)
		var st Stage
		if v, has := f.get("after"); has {
			st.After, _ = d.dist(v.val())
		} else {
			d.errorf(it, "stage has no after")
		}
		v, has := f.get("fraction")
		if !has {
			d.errorf(it, "stage has no fraction")
			allOK = false
			continue
		}
		fr, good := d.fraction(v.val())
		if !good || !d.rangeAtLeast(v.val(), 0, true, "fractions") {
			allOK = false
			continue
		}
		if fr.Num <= 0 || fr.Num > fr.Den {
			d.errorf(v.val(), "fraction %s is outside (0, 1]", fractionText(fr))
			allOK = false
			continue
		}
		if prev != nil && fr.Num*prev.Den < prev.Num*fr.Den {
			d.errorf(v.val(), "fraction %s is below the previous stage's %s: fractions are cumulative", fractionText(fr), fractionText(*prev))
			allOK = false
		}
		st.Fraction = fr
		out = append(out, st)
		prev = &fr
	}
	if allOK && len(out) > 0 {
		if last := out[len(out)-1].Fraction; last.Num != last.Den {
			d.errorf(items[len(items)-1], "the last stage must restore fraction 1.0, got %s", fractionText(last))
		}
	}
	return out
}

// fractionText formats a fraction as the decimal it was written as.
func fractionText(f Fraction) string {
	if f.Den <= 0 {
		return "?"
	}
	digits := 0
	for den := f.Den; den > 1; den /= 10 {
		digits++
	}
	if digits == 0 {
		return fmt.Sprint(f.Num)
	}
	return fmt.Sprintf("%d.%0*d", f.Num/f.Den, digits, f.Num%f.Den)
}

// keysByKind lists, for each event kind, the keys of o that apply to it.
func keysByKind(o *object) map[EventKind][]string {
	m := map[EventKind][]string{}
	for k := range EventKinds {
		kind := EventKind(k)
		for _, f := range o.fields {
			if f.kinds == nil || slices.Contains(f.kinds, kind) {
				m[kind] = append(m[kind], f.key)
			}
		}
	}
	return m
}
