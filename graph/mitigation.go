package graph

var mitigationKeys = mitigationObject.keys()

// mitigations decodes the top-level mitigations: list; each patch is checked
// against the base platform like a scenario's.
func (d *decoder) mitigations(nd node, lf *loadedFile, baseErrs map[errKey]bool) {
	items, ok := d.list(nd, "a list of mitigations")
	if !ok {
		return
	}
	seen := map[string]node{}
	for _, it := range items {
		kvs, ok := d.mapping(it, "a mitigation mapping (id, description, cost, patch)")
		if !ok {
			continue
		}
		f := d.fields(kvs, "mitigation", mitigationKeys...)
		m := &Mitigation{Pos: it.pos()}
		idNd := it
		if v, ok := f.get("id"); ok {
			idNd = v.val()
			m.ID, _ = d.id(v.val(), "mitigation")
		} else {
			d.errorf(it, "mitigation has no id")
		}
		if v, ok := f.get("description"); ok {
			m.Description = d.text(v.val(), "description")
		}
		if v, ok := f.get("cost"); ok {
			if c, ok := d.float(v.val()); ok && c < 0 {
				d.errorf(v.val(), "want cost ≥ 0, got %v", c)
			} else {
				m.Cost = c
			}
		}
		crewsNd, hasCrews := f.get("add_crews")
		if v, ok := crewsNd, hasCrews; ok {
			if n, ok := d.count(v.val()); ok && (n < 1 || n > 1<<20) {
				d.errorf(v.val(), "want add_crews ≥ 1, got %d", n)
			} else if d.rangeAtLeast(v.val(), 1, false, "add_crews") {
				m.AddCrews = int(n)
			}
		}
		v, ok := f.get("patch")
		switch {
		case ok && hasCrews:
			d.errorf(crewsNd.val(), "a mitigation has a patch or add_crews, not both: make two mitigations")
			continue
		case ok:
			m.patch = v.val()
			m.Platform, _ = d.patchedPlatform(lf.platform, baseErrs, v.val(), it.path.String())
			if m.Platform == nil {
				continue
			}
		case m.AddCrews > 0:
			m.Platform = lf.f.Platform
		default:
			d.errorf(it, "mitigation has no patch and no add_crews: want what it changes")
			continue
		}
		if m.ID != "" {
			if first, dup := seen[m.ID]; dup {
				d.errorf(idNd, "duplicate mitigation id %q (first at line %d)", m.ID, first.pos().Line)
				continue
			}
			seen[m.ID] = idNd
		}
		lf.f.Mitigations = append(lf.f.Mitigations, m)
	}
}

// Apply returns the file's platform with the patches of ms applied in order,
// each on top of the platform as patched so far (docs/model.md §10). Each patch
// was checked alone when the file was loaded; a combination can still be
// invalid (two patches placing more servers than a site has), which comes
// back as an ErrorList. The file's platform is never modified.
func (f *File) Apply(ms ...*Mitigation) (*Platform, error) {
	if f.src == nil {
		return nil, ErrorList{{Pos: Pos{File: f.Name}, Msg: "the file has no platform to patch"}}
	}
	if len(ms) == 0 {
		return f.Platform, nil
	}
	d := &decoder{uvals: f.uvals}
	if f.parsed != nil {
		// The platform is decoded again, aliases and all: with the
		// file's allowance, or a file with one alias could not be patched
		// (advise --auto evaluated no candidate of cyworld-2019).
		d.maxAliases = f.parsed.maxAliases
	}
	ps := f.src
	for _, m := range ms {
		if m == nil || m.patch.n == nil {
			continue
		}
		if ps = d.applyPatch(ps, m.patch); ps == nil {
			break
		}
	}
	var p *Platform
	if ps != nil {
		p = d.buildPlatform(ps)
	}
	if errs := dedupe(d.errs); len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	return p, nil
}
