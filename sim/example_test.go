package sim_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/dominosim/domino/graph"
	"github.com/dominosim/domino/sim"
)

// A database on one site and an application that needs it: the site is
// dark for 10 hours, then the database takes an hour to restart.
func ExampleRun() {
	f, err := graph.Load(strings.NewReader(`
version: 1
platform:
  name: shop
  sites: [{id: a}, {id: b}]
  services:
    - {id: db, placement: {a: 4}, restart: {auto: 1h}}
    - {id: app, users: 1000, placement: {a: 2, b: 2}, depends_on: [db]}
scenarios:
  - id: fire
    events:
      - {kind: site-outage, site: a, duration: 10h}
`), "shop.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := graph.Compile(f.Scenarios[0])
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := sim.Run(context.Background(), c, sim.Options{Trials: 100, Seed: 1, Workers: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range r.Services {
		fmt.Printf("%s: down %s, cause %s\n", s.ID, graph.FormatDuration(int64(s.Downtime.Mean)), s.TopCause)
	}
	fmt.Printf("user-hours lost: %.0f\n", r.Summary.UserHours.Mean)
	// Output:
	// db: down 11h, cause site a
	// app: down 11h, cause dependency db
	// user-hours lost: 11000
}
