package graph

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/goccy/go-yaml"

	"github.com/dominosim/domino/internal/boundedio"
)

// Load reads a platform or scenario file from r; name is used in error
// positions and to resolve a `platform:` reference relative to it (on the
// OS file system). Input problems come back as an ErrorList, all of them,
// sorted by position, each with a key path from the file's root
// (platform.services[3].depends_on[1], scenarios[0].events[2].site).
//
// Beyond docs/model.md: top-level keys starting with "x-" are ignored (a place for
// anchors); anchors, aliases and merge keys (<<) are resolved, YAML tags are
// rejected; rates may be given per year, week or day (2/y, 1/w, 1/d); a
// referenced platform file is a full file (version, platform) and may not
// itself refer to another; top-level mitigations (docs/model.md §10) are decoded
// into File.Mitigations.
func Load(r io.Reader, name string) (*File, error) {
	data, err := readLimited(r)
	if err != nil {
		// An *os.File's errors repeat its name, which is ours already.
		return nil, fmt.Errorf("read %s: %w", name, boundedio.WithoutPath(err))
	}
	return loadBytes(data, name)
}

// loadBytes loads data read from the file name, resolving a `platform:`
// reference relative to it on the OS file system.
func loadBytes(data []byte, name string) (*File, error) {
	dir := filepath.Dir(name)
	open := func(ref string) ([]byte, string, error) {
		p := ref
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		b, err := readFile(p)
		return b, p, err
	}
	return load(data, name, open)
}

// LoadFile loads the file at path, which must be a regular file of at
// most MaxFileSize bytes (ReadFile).
func LoadFile(path string) (*File, error) {
	data, err := ReadFile(path)
	if err != nil {
		// Worded like Load's read errors: "read x.yaml: permission denied".
		return nil, fmt.Errorf("read %s: %w", path, boundedio.WithoutPath(err))
	}
	return loadBytes(data, path)
}

// ReadFile reads the file at path for a command of domino: a regular file
// (a named pipe or a device is refused at once, without blocking) of at
// most MaxFileSize bytes, refused before it is read when larger. Every
// file domino reads goes through it or through Load's reader.
func ReadFile(path string) ([]byte, error) {
	return boundedio.ReadFile(path, MaxFileSize)
}

// readFile reads a referenced platform file.
func readFile(path string) ([]byte, error) { return ReadFile(path) }

// LoadFS loads name from fsys, resolving `platform:` references within fsys.
func LoadFS(fsys fs.FS, name string) (*File, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	dir := path.Dir(name)
	open := func(ref string) ([]byte, string, error) {
		p := path.Join(dir, ref)
		b, err := fs.ReadFile(fsys, p)
		return b, p, err
	}
	return load(data, name, open)
}

// opener reads the platform file a scenario file refers to; it returns the
// contents and the name to use in positions.
type opener func(ref string) ([]byte, string, error)

func load(data []byte, name string, open opener) (*File, error) {
	return (&decoder{}).load(data, name, open)
}

func (d *decoder) load(data []byte, name string, open opener) (*File, error) {
	// The digest covers every byte the file's meaning depends on: its own
	// and those of the platform file it refers to.
	h := sha256.New()
	writeChunk(h, data)
	readRef := func(ref string) ([]byte, string, error) {
		b, refName, err := open(ref)
		if err == nil {
			writeChunk(h, b)
		}
		return b, refName, err
	}
	f, err := d.decodeAll(data, name, readRef)
	if err != nil {
		return nil, err
	}
	f.Digest = hex.EncodeToString(h.Sum(nil))
	return f, nil
}

// parsed is what a load parsed, kept for File.With to decode again
// without parsing: the root of each file read and the platform file a
// reference named.
type parsed struct {
	roots      map[string]node   // file name → its first document
	refs       map[string]string // platform: reference → the file name read
	maxAliases int
}

// decodeAll decodes the file name (data, unless d.parsed holds it parsed
// already) and collects its errors.
func (d *decoder) decodeAll(data []byte, name string, open opener) (*File, error) {
	if d.parsed == nil {
		d.parsed = &parsed{roots: map[string]node{}, refs: map[string]string{}}
	}
	lf := d.file(data, name, open, 0)
	errs := dedupe(d.errs)
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	d.parsed.maxAliases = d.maxAliases
	lf.f.parsed = d.parsed
	sortUncertain(d.uncertains)
	lf.f.uncertain = d.uncertains
	return lf.f, nil
}

// writeChunk writes b with its length first, so that moving bytes from one
// file to the other changes the digest.
func writeChunk(h hash.Hash, b []byte) {
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(b))))
	h.Write(b)
}

func dedupe(l ErrorList) ErrorList {
	seen := make(map[errKey]bool, len(l))
	out := l[:0:0]
	for _, e := range l {
		if k := keyOf(e); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}

// loadedFile is a decoded file with the platform source its patches apply to.
type loadedFile struct {
	f        *File
	platform *platformSrc
}

var fileKeys = fileObject.keys()

// file decodes one file; depth is 1 for a referenced platform file.
func (d *decoder) file(data []byte, name string, open opener, depth int) *loadedFile {
	lf := &loadedFile{f: &File{Name: name}}
	src := &source{name: name}
	var docs []*tnode
	if root, again := d.parsed.roots[name]; again {
		docs, src = []*tnode{root.n}, root.src
	} else {
		var ok bool
		if docs, ok = d.parse(data, src); !ok {
			return lf
		}
		if len(docs) > 0 {
			d.parsed.roots[name] = node{n: docs[0], src: src}
		}
	}
	if len(docs) == 0 {
		d.errs.Add(Pos{File: name, Line: 1, Col: 1}, "", "empty file: want a mapping with version: 1 and a platform")
		return lf
	}
	if len(docs) > 1 {
		d.errorf(node{n: docs[1], src: src}, "want one YAML document, got %d", len(docs))
	}
	root := node{n: docs[0], src: src}
	kvs, ok := d.mapping(root, "a mapping with version: 1 and a platform")
	if !ok {
		return lf
	}
	// Top-level keys starting with "x-" are ignored: they hold anchors for
	// aliases and merge keys elsewhere, as in Compose files.
	var own []kv
	for _, e := range kvs {
		if !strings.HasPrefix(e.key(), "x-") {
			own = append(own, e)
		} else {
			d.anchoredRanges(e.val(), 0)
		}
	}
	f := d.fields(own, "the file", fileKeys...)

	if v, ok := f.get("version"); !ok {
		d.errorf(root, "missing version: want version: 1")
	} else if n, ok := d.int(v.val()); ok {
		if n != 1 {
			d.errorf(v.val(), "unsupported version %d: want 1", n)
		}
		lf.f.Version = int(min(max(n, -1), 1<<20))
	}

	pv, hasPlatform := f.get("platform")
	sv, hasScenarios := f.get("scenarios")
	if !hasPlatform {
		if hasScenarios {
			d.errorf(root, "scenarios need a platform: add platform: with the platform or the path of a platform file")
		} else {
			d.errorf(root, "missing platform")
		}
		return lf
	}
	var base *Platform
	if r, ok := d.resolveQuiet(pv.val()); ok && r.n.is(kindString, kindLiteral) {
		ref, _ := d.str(pv.val())
		if depth > 0 {
			d.errorf(pv.val(), "a platform file must define its platform, not refer to %q", ref)
			return lf
		}
		b, refName, err := open(ref)
		if err != nil {
			d.errorf(pv.val(), "cannot read platform file %q: %v", ref, boundedio.WithoutPath(err))
			return lf
		}
		d.parsed.refs[ref] = refName
		sub := d.file(b, refName, open, depth+1)
		lf.platform, base = sub.platform, sub.f.Platform
	} else {
		lf.platform = d.readPlatform(pv.val())
		if lf.platform != nil {
			base = d.buildPlatform(lf.platform)
		}
	}
	lf.f.Platform = base
	lf.f.src = lf.platform
	if base == nil {
		return lf
	}
	baseErrs := make(map[errKey]bool, len(d.errs))
	for _, e := range d.errs {
		baseErrs[keyOf(e)] = true
	}
	if mv, ok := f.get("mitigations"); ok {
		d.mitigations(mv.val(), lf, baseErrs)
	}
	if !hasScenarios {
		return lf
	}
	items, ok := d.list(sv.val(), "a list of scenarios")
	if !ok {
		return lf
	}
	seen := map[string]node{}
	for _, it := range items {
		var refs []ref
		sc, patch, idNd := d.scenario(it, &refs)
		if sc == nil {
			continue
		}
		sc.Platform = base
		sc.src = it
		if patch != nil {
			p, _ := d.patchedPlatform(lf.platform, baseErrs, patch.val(), it.path.String())
			if p == nil {
				continue
			}
			sc.Platform = p
		}
		d.checkRefs(sc.Platform, refs)
		if msg := TrialTotals(sc.Platform, sc.Horizon); msg != "" {
			d.errorf(it, "%s", msg)
		}
		if sc.ID != "" {
			if first, dup := seen[sc.ID]; dup {
				d.errorf(idNd, "duplicate scenario id %q (first at line %d)", sc.ID, first.pos().Line)
				continue
			}
			seen[sc.ID] = idNd
		}
		lf.f.Scenarios = append(lf.f.Scenarios, sc)
	}
	d.checkMitigationZones(lf.f)
	return lf
}

// checkMitigationZones reports a mitigation that adds a zone to a building
// whose outage a scenario gives zone by zone: the event says nothing of the
// new zone's power, and a patch cannot change events (docs/model.md, "What
// a patch can change"). Such a change is a scenario of its own.
func (d *decoder) checkMitigationZones(f *File) {
	for _, m := range f.Mitigations {
		if m.Platform == nil || m.Platform == f.Platform {
			continue
		}
		for _, sc := range f.Scenarios {
			for _, e := range sc.Events {
				if len(e.Zones) == 0 {
					continue
				}
				for _, z := range m.Platform.Zones(e.Building) {
					if !slices.ContainsFunc(e.Zones, func(zp ZonePower) bool { return zp.Zone == z.ID }) {
						d.errs.Add(m.patch.pos(), m.patch.path.String(),
							"zone %q of building %q has no power_restore or duration in the event of scenario %q at line %d, which gives the building zone by zone: a patch cannot change events; make this a scenario of its own",
							z.ID, e.Building, sc.ID, e.Pos.Line)
					}
				}
			}
		}
	}
}

// syntaxError turns a parser error into an Error with its position.
func (d *decoder) syntaxError(src *source, err error) {
	var se *yaml.SyntaxError
	pos := Pos{File: src.name, Line: 1, Col: 1}
	msg := err.Error()
	if errors.As(err, &se) {
		msg = se.Message
		if se.Token != nil && se.Token.Position != nil && se.Token.Position.Line > 0 {
			pos.Line, pos.Col = se.Token.Position.Line, max(se.Token.Position.Column, 1)
		}
	} else if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	d.errs.Add(pos, "", "syntax error: %s", msg)
}
