package importer

import (
	"encoding/json"
	"fmt"
)

// kialiGraph is Kiali's graph API answer in its cytoscape form
// (/kiali/api/namespaces/graph).
type kialiGraph struct {
	Elements *struct {
		Nodes []struct {
			Data kialiNode `json:"data"`
		} `json:"nodes"`
		Edges []struct {
			Data kialiEdge `json:"data"`
		} `json:"edges"`
	} `json:"elements"`
}

type kialiNode struct {
	ID        string `json:"id"`
	NodeType  string `json:"nodeType"`
	Cluster   string `json:"cluster"`
	Namespace string `json:"namespace"`
	Workload  string `json:"workload"`
	App       string `json:"app"`
	Version   string `json:"version"`
	Service   string `json:"service"`
	// IsBox (IsGroup before Kiali 1.30) marks the compound nodes drawn
	// around an app, a namespace or a cluster: they are not services.
	IsBox   string `json:"isBox"`
	IsGroup string `json:"isGroup"`
}

type kialiEdge struct {
	ID     string `json:"id"`
	Source string `json:"source"`
	Target string `json:"target"`
}

const kialiWant = `want Kiali's graph JSON: {"elements": {"nodes": [{"data": {...}}], "edges": [{"data": {"source": ..., "target": ...}}]}}`

// parseKiali reads a Kiali graph. A node's identity is (cluster, namespace,
// name, node type), where the name is the workload, or at app level the
// app, so that the versions of an app collapse into one service; edges join
// on the nodes' cytoscape ids and collapse by (source, target), one per
// protocol in Kiali. The cluster is the site.
func parseKiali(b *builder, in Input) error {
	b.quietDups = true // one edge per protocol, and per version at app level
	var g kialiGraph
	if err := json.Unmarshal(in.Data, &g); err != nil {
		return fmt.Errorf("%s: %s: %s", in.Name, jsonProblem(err), kialiWant)
	}
	if g.Elements == nil {
		return fmt.Errorf("%s: no \"elements\": %s", in.Name, kialiWant)
	}
	keys := map[string]string{} // cytoscape id → node key; "" for dropped nodes
	for i, n := range g.Elements.Nodes {
		where := fmt.Sprintf("%s: node %d", in.Name, i)
		keys[n.Data.ID] = b.kialiNode(where, n.Data)
	}
	for i, e := range g.Elements.Edges {
		where := fmt.Sprintf("%s: edge %d", in.Name, i)
		from, okFrom := keys[e.Data.Source]
		to, okTo := keys[e.Data.Target]
		switch {
		case !okFrom || !okTo:
			b.warnf("%s: edge %q -> %q dropped: no node with that id", where, e.Data.Source, e.Data.Target)
		case from != "" && to != "":
			b.edge(from, to, -1, false, where)
		}
	}
	return nil
}

// kialiNode records a node and returns its key, or "" when it is dropped.
func (b *builder) kialiNode(where string, n kialiNode) string {
	if n.IsBox != "" || n.IsGroup != "" || n.NodeType == "box" {
		return ""
	}
	if n.NodeType == "unknown" && !b.opt.KeepVirtual {
		b.warnf("%s: Kiali's unknown node (traffic from outside the mesh) dropped with its edges (--keep-virtual keeps it)", where)
		return ""
	}
	name, display, typ := kialiName(n, b.opt.KialiLevel)
	if name == "" {
		b.warnf("%s: node %q with an empty name dropped with its edges", where, n.ID)
		return ""
	}
	site := ""
	if n.Cluster != "" && n.Cluster != "unknown" {
		site = b.site(n.Cluster)
	}
	key := fmt.Sprintf("kiali:%s\x00%s\x00%s\x00%s", n.Cluster, n.Namespace, name, typ)
	b.node(key, []string{name, n.Namespace, n.Cluster, typ}, display, site)
	return key
}

// kialiName is a node's name, display name and type at the given level.
// At app level a workload or a versioned app node becomes its app; a
// service node is always the Kubernetes service, a distinct service in
// domino since requests pass through it.
func kialiName(n kialiNode, level string) (name, display, typ string) {
	switch n.NodeType {
	case "service":
		return n.Service, n.Service, "service"
	case "unknown":
		return "unknown", "unknown", "unknown"
	}
	if level == KialiApp && n.App != "" && n.App != "unknown" {
		return n.App, n.App, "app"
	}
	switch {
	case n.Workload != "" && n.Workload != "unknown":
		return n.Workload, n.Workload, "workload"
	case n.App != "" && n.Version != "" && n.Version != "unknown":
		return n.App + "-" + n.Version, n.App + " " + n.Version, "workload"
	case n.App != "":
		return n.App, n.App, "app"
	}
	return n.Service, n.Service, n.NodeType
}
