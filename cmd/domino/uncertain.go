package main

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/sim"
)

// uncertainRun is a scenario of a file with uncertain inputs: the inputs
// that bear on it and the Build that compiles it with some of them set;
// with versus, the same for the scenario it is measured against.
type uncertainRun struct {
	file   *graph.File
	worlds sim.Worlds
	base   *graph.Compiled // every input nominal
	inputs []graph.Uncertain
	build  sim.Build
}

// loadUncertain loads the file arg names, picks scenario id (the first
// when "") and, unless versus is "", the scenario versus, and returns them
// with their uncertain inputs: the platform's and the scenarios' own, not
// those of the file's other scenarios nor of its mitigations (which a
// plain run does not apply). No input is an error: there is nothing to
// vary.
func loadUncertain(arg, id, versus string) (*uncertainRun, error) {
	f, sc, err := loadFileScenario(arg, id)
	if err != nil {
		return nil, err
	}
	base, err := graph.Compile(sc)
	if err != nil {
		return nil, err
	}
	u := &uncertainRun{file: f, base: base, build: buildWith(f, sc.ID)}
	u.worlds = sim.Worlds{Base: base, Build: u.build}
	own := []string{scenarioPrefix(f, sc)}
	if versus != "" {
		vs, err := pickScenario(f, versus)
		if err != nil {
			return nil, err
		}
		if vs == sc {
			return nil, usageErr(fmt.Sprintf("--versus %s is the scenario itself: name another scenario of %s", versus, f.Name))
		}
		if u.worlds.Versus, err = graph.Compile(vs); err != nil {
			return nil, err
		}
		u.worlds.VersusBuild = buildWith(f, vs.ID)
		own = append(own, scenarioPrefix(f, vs))
	}
	for _, in := range f.Uncertain() {
		if strings.HasPrefix(in.Path, "mitigations[") ||
			strings.HasPrefix(in.Path, "scenarios[") && !slices.ContainsFunc(own, func(p string) bool { return strings.HasPrefix(in.Path, p) }) {
			continue
		}
		u.inputs = append(u.inputs, in)
	}
	if len(u.inputs) == 0 {
		return nil, fmt.Errorf("%s: scenario %q has no uncertain inputs to vary: write a value as {uncertain: {low: …, high: …}} (docs/model.md §14)", f.Name, sc.ID)
	}
	return u, nil
}

// scenarioPrefix is the start of the key paths of sc's own inputs.
func scenarioPrefix(f *graph.File, sc *graph.Scenario) string {
	return fmt.Sprintf("scenarios[%d].", slices.Index(f.Scenarios, sc))
}

// buildWith returns the Build of f's scenario id: f with the values set,
// that scenario compiled.
func buildWith(f *graph.File, id string) sim.Build {
	return func(values map[string]float64) (*graph.Compiled, error) {
		g, err := f.With(values)
		if err != nil {
			return nil, err
		}
		return graph.Compile(g.Scenario(id))
	}
}

// inputPath matches the key path of an input of a service, a site or a
// scenario, by its position in the file.
var inputPath = regexp.MustCompile(`^(platform\.services|platform\.sites|scenarios)\[(\d+)\]\.(.*)$`)

// label names an input for people: its path with the service, site or
// scenario named by its id instead of its position in the file
// ("talk-db: redundancy.failover.manual.lognormal.median").
func (u *uncertainRun) label(path string) string {
	m := inputPath.FindStringSubmatch(path)
	if m == nil {
		return path
	}
	i, err := strconv.Atoi(m[2])
	if err != nil {
		return path
	}
	p := u.file.Platform
	switch {
	case m[1] == "platform.services" && p != nil && i < len(p.Services):
		return p.Services[i].ID + ": " + m[3]
	case m[1] == "platform.sites" && p != nil && i < len(p.Sites):
		return "site " + p.Sites[i].ID + ": " + m[3]
	case m[1] == "scenarios" && i < len(u.file.Scenarios):
		return "scenario " + u.file.Scenarios[i].ID + ": " + m[3]
	}
	return path
}

// described describes the inputs for the results, with their labels.
func (u *uncertainRun) described() []sim.UncertainInput {
	in := sim.UncertainInputs(u.inputs)
	for i := range in {
		in[i].Label = u.label(in[i].Path)
	}
	return in
}
