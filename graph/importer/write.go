package importer

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// FireScenario is the id of the scenario every import writes: the first
// site burns for FireDuration, so that `domino run` works on the file at once.
const (
	FireScenario = "site-fire"
	FireDuration = "24h"
)

// todo is what an import cannot know and the user must still fill in.
var todo = []string{
	"placement: how many servers each service has on which sites (here 1 on each)",
	"redundancy: active-active, active-standby with a primary, or single",
	"restart and failover times (auto and manual), start_needs and tooling",
	"users and cost_per_hour, so that impact is counted; priority; rto and rpo",
	"data: replication and backups of the services that hold data",
}

// WriteYAML writes g, which has at least one service, as a platform file with the site-fire scenario, after a
// header comment naming the sources and what is left to fill in.
func (g *Graph) WriteYAML(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Imported by domino import --from %s from:\n", g.Format)
	for _, s := range g.Sources {
		fmt.Fprintf(bw, "#   %s\n", oneLine(s))
	}
	fmt.Fprintf(bw, "# Still to fill in for each service:\n")
	for _, t := range todo {
		fmt.Fprintf(bw, "#   - %s\n", t)
	}
	fmt.Fprintf(bw, "version: 1\nplatform:\n  name: imported-%s\n", g.Format)
	g.writeSites(bw)
	g.writeServices(bw)
	g.writeScenario(bw)
	return bw.Flush()
}

func (g *Graph) writeSites(w io.Writer) {
	fmt.Fprintf(w, "  sites:\n")
	for _, s := range g.Sites {
		if s.Name != "" {
			fmt.Fprintf(w, "    - {id: %s, name: %s}\n", idText(s.ID), Quote(s.Name))
		} else {
			fmt.Fprintf(w, "    - {id: %s}\n", idText(s.ID))
		}
	}
}

func (g *Graph) writeServices(w io.Writer) {
	fmt.Fprintf(w, "  services:\n")
	for _, s := range g.Services {
		fmt.Fprintf(w, "    - id: %s\n", idText(s.ID))
		if s.Name != "" {
			fmt.Fprintf(w, "      name: %s\n", Quote(s.Name))
		}
		fmt.Fprintf(w, "      placement: %s\n", placement(s.Sites))
		if len(s.DependsOn) > 0 {
			fmt.Fprintf(w, "      depends_on: %s\n", deps(s.DependsOn))
		}
	}
}

func (g *Graph) writeScenario(w io.Writer) {
	site := DefaultSite
	if len(g.Sites) > 0 {
		site = g.Sites[0].ID
	}
	fmt.Fprintf(w, "scenarios:\n")
	fmt.Fprintf(w, "  - id: %s\n", FireScenario)
	fmt.Fprintf(w, "    description: %s\n", Quote("site "+site+" burns and is without power for "+FireDuration))
	fmt.Fprintf(w, "    events:\n")
	fmt.Fprintf(w, "      - {kind: site-outage, cause: fire, site: %s, duration: %s}\n", idText(site), FireDuration)
}

// placement is a flow mapping of one server on each site.
func placement(sites []string) string {
	parts := make([]string, len(sites))
	for i, s := range sites {
		parts[i] = idText(s) + ": 1"
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// deps is a flow sequence of dependencies, soft ones as {service, soft}.
func deps(ds []Dep) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = depText(d)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func depText(d Dep) string {
	if d.Soft {
		return "{service: " + idText(d.Service) + ", soft: true}"
	}
	return idText(d.Service)
}

// yamlWords are plain scalars YAML (1.1 or 1.2) reads as something other
// than a string.
var yamlWords = map[string]bool{
	"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"y": true, "n": true, "null": true, ".inf": true, ".nan": true,
}

// idText writes an id plain unless YAML would read it as a number, a bool
// or null.
func idText(id string) string {
	if id == "" || yamlWords[id] || id[0] >= '0' && id[0] <= '9' {
		return Quote(id)
	}
	return id
}

// Quote writes s as a YAML double-quoted scalar. Invalid UTF-8 becomes
// U+FFFD and control characters are escaped, so any name reads back as the
// same string.
func Quote(s string) string {
	s = strings.ToValidUTF8(s, string(utf8.RuneError))
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 || r == 0xfeff:
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// oneLine keeps a file name from breaking out of its comment line.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}
