package graph

import (
	"fmt"
	"slices"
	"strings"
)

// A patch (docs/model.md §5, §6.10) overlays a platform for one scenario: each
// entry is matched by id; every key it gives replaces that whole field of the
// platform's entry; an entry with an unknown id is added. Patching works on
// the platform's keys before decoding, so that a patched platform is decoded
// afresh (the base platform is never mutated) and every value keeps the
// position of the file it came from: the patch or the platform.

var patchKeys = patchObject.keys()

// applyPatch returns base with the patch at nd applied, or nil when the
// patch is unusable.
func (d *decoder) applyPatch(base *platformSrc, nd node) *platformSrc {
	kvs, ok := d.mapping(nd, "a patch mapping like {services: [{id: ..., placement: ...}]}")
	if !ok {
		return nil
	}
	f := d.fields(kvs, "patch", patchKeys...)
	out := *base
	for _, key := range []string{"sites", "services"} {
		v, ok := f.get(key)
		if !ok {
			continue
		}
		kind := strings.TrimSuffix(key, "s")
		entries, _ := d.entries(v.val(), kind)
		target := &out.sites
		if key == "services" {
			target = &out.services
		}
		*target = patchEntries(d, *target, entries, kind)
	}
	return &out
}

// patchEntries merges patch entries into a copy of base.
func patchEntries(d *decoder, base, patch []entrySrc, kind string) []entrySrc {
	out := append([]entrySrc(nil), base...)
	seen := map[string]node{}
	for _, p := range patch {
		if p.id == "" {
			d.errorf(p.nd, "patch %s has no id: want the id of the %s to change or add", kind, kind)
			continue
		}
		if first, dup := seen[p.id]; dup {
			d.errorf(p.nd, "%s %q is patched twice in this patch (first at line %d)", kind, p.id, first.pos().Line)
			continue
		}
		seen[p.id] = p.nd
		i := -1
		for j := range out {
			if out[j].id == p.id {
				i = j
				break
			}
		}
		if i < 0 {
			out = append(out, p) // an addition: it must be complete
			continue
		}
		if kind == "site" && !d.keepBuilding(out[i], p) {
			// Refused: the site stays where it is, so that the rest of
			// the file is checked as if the patch had not tried.
			p.kvs = slices.DeleteFunc(slices.Clone(p.kvs), func(e kv) bool { return e.key() == "building" })
		}
		merged := entrySrc{nd: out[i].nd, id: p.id}
		given := map[string]kv{}
		for _, e := range p.kvs {
			given[e.key()] = e
		}
		for _, e := range out[i].kvs {
			if pe, ok := given[e.key()]; ok {
				merged.kvs = append(merged.kvs, pe)
				delete(given, e.key())
			} else {
				merged.kvs = append(merged.kvs, e)
			}
		}
		for _, e := range p.kvs {
			if _, ok := given[e.key()]; ok {
				merged.kvs = append(merged.kvs, e)
			}
		}
		out[i] = merged
	}
	return out
}

// keepBuilding reports a patch that moves a site of the platform into
// another building, or out of its own: the scenario's events name buildings,
// and a patch changes the platform, not what an event hits (docs/model.md,
// "What a patch can change"). A patch may add zones to a building.
func (d *decoder) keepBuilding(base, p entrySrc) bool {
	text := func(e entrySrc) (string, node, bool) {
		v, ok := fieldSet(e.kvs).get("building")
		if !ok {
			return "", node{}, false
		}
		r, ok := d.resolveQuiet(v.val())
		if !ok {
			return "", node{}, false
		}
		return scalarText(r.n), v.val(), true
	}
	now, nd, given := text(p)
	if !given {
		return true
	}
	was, _, _ := text(base)
	if now == was {
		return true
	}
	if was == "" {
		d.errorf(nd, "a patch cannot put site %q into building %q: add a new zone instead, and move services to it", p.id, now)
	} else {
		d.errorf(nd, "a patch cannot move site %q out of building %q: add a new site instead, and move services to it", p.id, was)
	}
	return false
}

// errKey identifies an error for deduplication.
type errKey struct {
	pos       Pos
	path, msg string
}

func keyOf(e *Error) errKey { return errKey{e.Pos, e.Path, e.Msg} }

// patchedPlatform builds the platform of a scenario with a patch. Errors the
// base platform already has are dropped; errors the patch caused at a place
// of the base platform (a quorum above the sites a patched placement keeps,
// say) are reported at the patch, naming the place.
func (d *decoder) patchedPlatform(base *platformSrc, baseErrs map[errKey]bool, patch node, scenarioPath string) (*Platform, *platformSrc) {
	saved := d.errs
	d.errs = nil
	ps := d.applyPatch(base, patch)
	var p *Platform
	if ps != nil {
		p = d.buildPlatform(ps)
	}
	got := d.errs
	d.errs = saved
	for _, e := range got {
		switch {
		case baseErrs[keyOf(e)]:
		case strings.HasPrefix(e.Path, scenarioPath+".") || e.Path == scenarioPath:
			d.errs = append(d.errs, e)
		default:
			d.errs.Add(patch.pos(), patch.path.String(), "with this patch, %s (%s): %s", e.Path, posText(e.Pos), e.Msg)
		}
	}
	return p, ps
}

func posText(p Pos) string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}
