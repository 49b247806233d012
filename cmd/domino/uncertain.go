package main

import (
	"fmt"
	"strings"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/sim"
)

// uncertainRun is a scenario of a file with uncertain inputs: the inputs
// that bear on it and the Build that compiles it with some of them set.
type uncertainRun struct {
	base   *graph.Compiled // every input nominal
	inputs []graph.Uncertain
	build  sim.Build
}

// loadUncertain loads the file arg names, picks scenario id (the first
// when "") and returns it with its uncertain inputs: the platform's and
// the scenario's own, not those of the file's other scenarios nor of its
// mitigations (which a plain run does not apply). No input is an error:
// there is nothing to vary.
func loadUncertain(arg, id string) (*uncertainRun, error) {
	f, sc, err := loadFileScenario(arg, id)
	if err != nil {
		return nil, err
	}
	base, err := graph.Compile(sc)
	if err != nil {
		return nil, err
	}
	at := -1
	for i, s := range f.Scenarios {
		if s == sc {
			at = i
		}
	}
	own := fmt.Sprintf("scenarios[%d].", at)
	var inputs []graph.Uncertain
	for _, in := range f.Uncertain() {
		if (strings.HasPrefix(in.Path, "scenarios[") && !strings.HasPrefix(in.Path, own)) || strings.HasPrefix(in.Path, "mitigations[") {
			continue
		}
		inputs = append(inputs, in)
	}
	if len(inputs) == 0 {
		return nil, fmt.Errorf("%s: scenario %q has no uncertain inputs to vary: write a value as {uncertain: {low: …, high: …}} (docs/model.md §14)", f.Name, sc.ID)
	}
	build := func(values map[string]float64) (*graph.Compiled, error) {
		g, err := f.With(values)
		if err != nil {
			return nil, err
		}
		return graph.Compile(g.Scenario(sc.ID))
	}
	return &uncertainRun{base: base, inputs: inputs, build: build}, nil
}
