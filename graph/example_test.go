package graph_test

import (
	"fmt"
	"strings"

	"github.com/dominosim/domino/graph"
)

func ExampleLoad() {
	const file = `version: 1
platform:
  sites: [{id: pangyo}, {id: gasan}]
  services:
    - {id: talk, placement: {pangyo: 2400, gasan: 600}, depends_on: [talk-storage]}
    - {id: talk-storage, placement: {pangyo: 800, gasan: 800}}
scenarios:
  - id: pangyo-fire
    events:
      - kind: site-outage
        site: pangyo
        power_restore: [{after: 20h, fraction: 0.35}, {after: 84h, fraction: 1.0}]
`
	f, err := graph.Load(strings.NewReader(file), "kakao.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	talk := f.Platform.Service("talk")
	fmt.Println(talk.Redundancy.Mode, talk.Redundancy.Primary, talk.Priority)
	sc := f.Scenario("pangyo-fire")
	fmt.Println(graph.FormatDuration(sc.Horizon), sc.Trials, sc.Events[0].PowerRestore[0].Fraction)

	_, err = graph.Load(strings.NewReader(strings.Replace(file, "[talk-storage]", "[talk-storag]", 1)), "kakao.yaml")
	fmt.Println(err)
	// Output:
	// active-active pangyo 5
	// 7d 10000 {35 100}
	// kakao.yaml:5:70: platform.services[0].depends_on[0]: unknown service "talk-storag" (did you mean "talk-storage"?)
}
