package importer

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// serviceGraphMetric is the request counter of the OpenTelemetry
// servicegraph connector. Exporters and federation add prefixes
// (otelcol_, a namespace), so a family matches by suffix.
const serviceGraphMetric = "traces_service_graph_request_total"

// virtualNodes are the placeholders the servicegraph connector puts at an
// edge's end when it cannot tell the peer: "user" for a request from
// outside, "unknown" for an uninstrumented callee.
var virtualNodes = []string{"user", "unknown"}

// parsePrometheus reads the Prometheus text exposition format and sums the
// servicegraph request counter per (client, server).
func parsePrometheus(b *builder, in Input) error {
	b.quietDups = true // one series per label set: several per pair is the rule
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(in.Data))
	if err != nil {
		return fmt.Errorf("%s: %v: want the Prometheus text format", in.Name, err)
	}
	var names []string
	for name := range fams {
		if strings.HasSuffix(name, serviceGraphMetric) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return fmt.Errorf("%s: no metric named *%s: want the servicegraph connector's metrics (traces_service_graph_request_total{client=...,server=...})", in.Name, serviceGraphMetric)
	}
	slices.Sort(names)
	for _, name := range names {
		for i, m := range fams[name].GetMetric() {
			b.promSample(fmt.Sprintf("%s: %s sample %d", in.Name, name, i), m)
		}
	}
	return nil
}

func (b *builder) promSample(where string, m *dto.Metric) {
	var client, server string
	for _, l := range m.GetLabel() {
		switch l.GetName() {
		case "client":
			client = l.GetValue()
		case "server":
			server = l.GetValue()
		}
	}
	if client == "" || server == "" {
		b.warnf("%s: sample with an empty client or server dropped (client %q, server %q)", where, client, server)
		return
	}
	if !b.opt.KeepVirtual && (slices.Contains(virtualNodes, client) || slices.Contains(virtualNodes, server)) {
		b.warnf("%s: edge %s -> %s to a virtual node dropped (--keep-virtual keeps it)", where, client, server)
		return
	}
	v := sampleValue(m)
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		b.warnf("%s: value %v of %s -> %s counted as 0", where, v, client, server)
		v = 0
	}
	b.node("name:"+client, []string{client}, client, "")
	b.node("name:"+server, []string{server}, server, "")
	b.edge("name:"+client, "name:"+server, v, false, where)
}

// sampleValue is the value of a counter, or of an untyped or gauge sample
// when the exposition declares no TYPE (or an OpenMetrics-style TYPE for the
// name without _total, which leaves the samples untyped).
func sampleValue(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.GetCounter().GetValue()
	case m.Untyped != nil:
		return m.GetUntyped().GetValue()
	case m.Gauge != nil:
		return m.GetGauge().GetValue()
	}
	return math.NaN()
}
