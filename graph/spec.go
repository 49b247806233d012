package graph

// The file format as data. Every mapping the loader reads strictly is an
// object below: the decoder's unknown-key checks take their key lists from
// these tables (serviceKeys = serviceObject.keys(), ...) and Schema renders
// the same tables as JSON Schema, so a key cannot be accepted by one and
// missing from the other. The order of the fields is the order the loader
// has always suggested keys in, which Suggest's ties depend on: append new
// keys at the end.
//
// Descriptions follow docs/model.md's wording; editors show them as hovers.

// jsonSchema is one JSON Schema node. Maps marshal with sorted keys, which
// keeps the generated schema byte-stable.
type jsonSchema = map[string]any

// field is one key of a mapping.
type field struct {
	key      string
	doc      string
	val      jsonSchema // the value's schema, without the description
	required bool
	// requires lists keys that must be present with this one
	// (need only makes sense in an any group).
	requires []string
	// kinds, for events only, lists the event kinds the key applies to;
	// nil means every kind. requiredFor lists those that must give it.
	kinds, requiredFor []EventKind
	// insteadOf, for events only, names a key this one may replace where
	// that key is required: exactly one of the two must then be given
	// (a site-outage names a site or a building).
	insteadOf string
}

// object is a mapping with a fixed set of keys.
type object struct {
	name string // the name under $defs
	doc  string
	// fields in the order the loader suggests them.
	fields []field
	// oneOf lists groups of keys of which exactly one must be given; the
	// keys of the other groups are then not allowed.
	oneOf [][]string
	// exclusive lists pairs of keys that may not be given together.
	exclusive [][2]string
}

func (o *object) keys() []string {
	out := make([]string, len(o.fields))
	for i, f := range o.fields {
		out[i] = f.key
	}
	return out
}

// named is a name the files spell, with what it means.
type named struct{ name, doc string }

func names(l []named) []string {
	out := make([]string, len(l))
	for i, n := range l {
		out[i] = n.name
	}
	return out
}

// Value schemas shared by the tables. They are never modified after init:
// the generator copies a node before adding a description to it.
var (
	vText = jsonSchema{"type": []any{"string", "number", "boolean"}} // the loader takes scalars as written
	vID   = defRef("id")
	vDur  = defRef("duration")
	vDist = defRef("distribution")
	vIDs  = jsonSchema{"type": "array", "items": vID}
	vBool = jsonSchema{"type": "boolean"}
	vProb = jsonSchema{"type": "number", "minimum": 0, "maximum": 1}
	vNum  = jsonSchema{"type": "number"}
	// vStages is a list of power-restore stages.
	vStages = jsonSchema{"type": "array", "items": defRef("stage"), "minItems": 1}
)

func defRef(name string) jsonSchema { return jsonSchema{"$ref": "#/$defs/" + name} }

func intMin(n int) jsonSchema { return jsonSchema{"type": "integer", "minimum": n} }

func listOf(item jsonSchema) jsonSchema { return jsonSchema{"type": "array", "items": item} }

var fileObject = &object{
	name: "file",
	doc:  "A domino platform or scenario file: version: 1, a platform, and optionally scenarios and mitigations. Top-level keys starting with x- are ignored: a place for YAML anchors.",
	fields: []field{
		{key: "version", doc: "The file format version: 1.", val: jsonSchema{"const": 1}, required: true},
		{key: "platform", doc: "The platform: sites and services, or the path of a platform file (relative to this file) that defines one.",
			val: jsonSchema{"anyOf": []any{
				jsonSchema{"type": "string", "minLength": 1, "description": "Path of a platform file, relative to this file; that file must define its platform itself."},
				defRef("platform"),
			}}, required: true},
		{key: "scenarios", doc: "What-if scenarios run against the platform.", val: listOf(defRef("scenario"))},
		{key: "mitigations", doc: "Candidate mitigations for domino advise: each a patch with a cost.", val: listOf(defRef("mitigation"))},
	},
}

var platformObject = &object{
	name: "platform",
	doc:  "The platform: data-center sites and the services placed on them.",
	fields: []field{
		{key: "name", doc: "Display name of the platform.", val: vText},
		{key: "currency", doc: "Currency of cost_per_hour, shown in reports.", val: vText},
		{key: "people", doc: "Distinct people who use the platform (each counted once, however many of its services they use); at least the users of any one service. Optional: with it, results add the people cut off at the peak and person-hours, which, unlike user-hours, are not summed over services.", val: orUncertain(intMin(1), "Count")},
		{key: "compliance", doc: "Share of disruptions in which every rto and rpo target must hold, in (0, 1) (default 0.95): a target is met when the 95% interval of P(breach) lies at or below 1 − compliance.", val: jsonSchema{"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}},
		{key: "targets", doc: "RTO and RPO per priority tier, like [{priority: 1, rto: 1h, rpo: 5m}]: a service of that priority without its own rto (rpo) takes its tier's.", val: listOf(defRef("target"))},
		{key: "sites", doc: "Data centers.", val: jsonSchema{"type": "array", "items": defRef("site"), "minItems": 1}, required: true},
		{key: "services", doc: "Services, each placed on one or more sites. Ops tools (deploy, monitoring, failover-ctl, config, auth) are ordinary services: that is the point.", val: jsonSchema{"type": "array", "items": defRef("service"), "minItems": 1}, required: true},
	},
}

var targetObject = &object{
	name: "target",
	doc:  "The RTO and RPO of one priority tier.",
	fields: []field{
		{key: "priority", doc: "The tier: services of this priority.", val: intMin(0), required: true},
		{key: "rto", doc: "Recovery time objective of the tier's services without their own rto.", val: vDur},
		{key: "rpo", doc: "Recovery point objective of the tier's services without their own rpo.", val: vDur},
	},
}

var siteObject = &object{
	name: "site",
	doc:  "A data center.",
	fields: []field{
		{key: "id", doc: "Unique site id: [a-z0-9][a-z0-9._-]*.", val: vID, required: true},
		{key: "name", doc: "Display name.", val: vText},
		{key: "region", doc: "Region the site is in; a region-outage takes down every site of its region at once.", val: vText},
		{key: "servers", doc: "Servers at the site (descriptive); defaults to the sum placed there and may not be smaller.", val: orUncertain(intMin(0), "Count")},
		{key: "mtbf", doc: "Site-wide mean time between failures, used by random-failures.", val: vDist},
		{key: "mttr", doc: "Site-wide repair time, used by random-failures; without it a failure is permanent.", val: vDist},
		{key: "building", doc: "The building this site is a zone of (a hall, floor or power zone behind the same walls as the building's other zones): a site-outage may name the building to hit all its zones at once, and lint counts the building as one site. An id that is no site's; all zones of a building are in one region.", val: vID},
	},
}

var serviceObject = &object{
	name: "service",
	doc:  "A service: where it runs, what it needs to run and to recover, and what its outage costs.",
	fields: []field{
		{key: "id", doc: "Unique service id: [a-z0-9][a-z0-9._-]*.", val: vID, required: true},
		{key: "name", doc: "Display name.", val: vText},
		{key: "users", doc: "People who lose the service while it is down (at most 10^12).",
			val: orUncertain(jsonSchema{"type": "integer", "minimum": 0, "maximum": int64(MaxUsers)}, "Count")},
		{key: "cost_per_hour", doc: "Money lost per hour down (optional, at most 1e15).",
			val: jsonSchema{"type": "number", "minimum": 0, "maximum": MaxCostPerHour}},
		{key: "priority", doc: "Lower = powered, restarted and crewed first (default 5).", val: intMin(0)},
		{key: "placement", doc: "Servers per site (≥1 each), like {pangyo: 2400, gasan: 600}.", val: defRef("placement"), required: true},
		{key: "redundancy", doc: "How the placement keeps the service up; default single if on one site, else active-active.", val: defRef("redundancy")},
		{key: "depends_on", doc: "Runtime dependencies: a service id, {service: ID, soft: true}, or a group of alternatives {any: [a, b, c], need: k}. Hard by default.", val: listOf(defRef("dependency"))},
		{key: "start_needs", doc: "Services that must be up for a replica of this one to (re)start.", val: vIDs},
		{key: "tooling", doc: "Services that must be up for restart and failover to be automated; otherwise the manual duration applies and a crew is needed.", val: vIDs},
		{key: "restart", doc: "Time for one replica (all its servers at one site) to start once powered: {auto: DIST, manual: DIST}; auto 0, manual = 10× auto by default.", val: defRef("recovery")},
		{key: "data", doc: "Stored data: replication, lag and backups, for data loss when a site's data is destroyed.", val: defRef("data")},
		{key: "rto", doc: "Recovery time objective: breached by one outage longer than this.", val: vDur},
		{key: "rpo", doc: "Recovery point objective: breached when more data than this is lost.", val: vDur},
		{key: "mtbf", doc: "Per-replica mean time between failures, used by random-failures.", val: vDist},
		{key: "mttr", doc: "Per-replica repair time, used by random-failures; without it a failure is permanent.", val: vDist},
		{key: "load", doc: "Servers needed to carry the service's full traffic (≥ 1); without it any serving placement carries all of it.", val: orUncertain(intMin(1), "Count")},
		{key: "collapse_below", doc: "In [0, 1): while the served fraction is below it, the service is overloaded and down. Default 0.", val: orUncertain(jsonSchema{"type": "number", "minimum": 0, "exclusiveMaximum": 1}, "Probability")},
	},
}

// modes are the redundancy modes, in the order of RedundancyMode.
var modes = []named{
	{"active-active", "up while ≥ quorum sites serve (default quorum 1)"},
	{"active-standby", "serves from primary; on its loss fails over to a surviving site after the failover time"},
	{"single", "one site only"},
}

var redundancyObject = &object{
	name: "redundancy",
	doc:  "How the placement keeps the service up.",
	fields: []field{
		{key: "mode", doc: enumDoc("Redundancy mode", modes), val: jsonSchema{"enum": anyList(names(modes))}},
		{key: "quorum", doc: "active-active: sites that must serve for the service to be up (default 1).", val: intMin(1)},
		{key: "primary", doc: "active-standby: the site it serves from at first (default the first placed site).", val: vID},
		{key: "failover", doc: "active-standby: time to switch to another site, {auto: DIST, manual: DIST}; auto 0, manual = 10× auto by default.", val: defRef("recovery")},
	},
}

var recoveryObject = &object{
	name: "recovery",
	doc:  "A recovery time: auto when every tooling service is up, else manual with a crew.",
	fields: []field{
		{key: "auto", doc: "Time when automated (all tooling up). Default 0.", val: vDist},
		{key: "manual", doc: "Time when done by hand, holding a crew. Default 10× the sampled auto time.", val: vDist},
	},
}

// replications are the data replication modes, in the order of Replication.
var replications = []named{
	{"none", "no copy on another site"},
	{"async", "a surviving site loses a lag sample"},
	{"sync", "a surviving site loses nothing"},
}

var dataObject = &object{
	name: "data",
	doc:  "The service's data, on every site of its placement.",
	fields: []field{
		{key: "replication", doc: enumDoc("Replication to other sites", replications), val: jsonSchema{"enum": anyList(names(replications))}},
		{key: "lag", doc: "async replication: the data lost when a site's data is destroyed.", val: vDist},
		{key: "backup", doc: "Periodic backups, like {every: 24h, offsite: true}.", val: defRef("backup")},
	},
}

var backupObject = &object{
	name: "backup",
	doc:  "Periodic backups; only offsite ones survive the loss of a site.",
	fields: []field{
		{key: "every", doc: "Time between backups (> 0).", val: vDur, required: true},
		{key: "offsite", doc: "Whether backups are kept off the service's sites.", val: vBool},
	},
}

var dependencyObject = &object{
	name: "dependencyEntry",
	doc:  "A dependency given as a mapping: {service: ID, soft: true} or a group of alternatives {any: [a, b, c], need: k}.",
	fields: []field{
		{key: "service", doc: "The service depended on.", val: vID},
		{key: "any", doc: "Alternatives (multi-DNS, multi-CDN, a second cache): satisfied while ≥ need of them are up.", val: jsonSchema{"type": "array", "items": vID, "minItems": 1, "uniqueItems": true}},
		{key: "need", doc: "How many of the any group must be up (default 1).", val: intMin(1), requires: []string{"any"}},
		{key: "soft", doc: "A soft dependency down leaves the service up but degraded.", val: vBool},
	},
	oneOf: [][]string{{"service"}, {"any"}},
}

var scenarioObject = &object{
	name: "scenario",
	doc:  "A scenario: events run against the platform, optionally patched.",
	fields: []field{
		{key: "id", doc: "Unique scenario id: [a-z0-9][a-z0-9._-]*.", val: vID, required: true},
		{key: "description", doc: "What the scenario is, shown in reports.", val: vText},
		{key: "horizon", doc: "Simulated time of one trial (> 0, at most 36500d, default 7d).", val: vDur},
		{key: "trials", doc: "Trials to run (default 10000); the CLI's --trials overrides.", val: intMin(1)},
		{key: "crews", doc: "Manual recoveries in parallel (default: unlimited).", val: orUncertain(intMin(0), "Count")},
		{key: "break_glass", doc: "Time to bypass a blocked start, sampled per wait (default 12h fixed).", val: vDist},
		{key: "soft_weight", doc: "Weight of degraded time in user impact, in [0, 1] (default 0.5).", val: orUncertain(vProb, "Probability")},
		{key: "events", doc: "What happens in each trial.", val: listOf(defRef("event"))},
		{key: "patch", doc: "Overlay on the platform for this scenario only (mitigations): a given field replaces the whole field; an unknown id adds the entry.", val: defRef("patch")},
	},
}

// eventKinds are the event kinds, in the order of EventKind.
var eventKinds = []named{
	{"site-outage", "all servers at the site lose power; staged restoration"},
	{"region-outage", "a site-outage of every site in the region at once"},
	{"isolate", "site cut off from users and other sites; its replicas do not serve"},
	{"service-fault", "bad deploy, bug, expired domain or certificate: the services are down everywhere until fixed"},
	{"random-failures", "every replica and site with mtbf/mttr fails independently over the horizon"},
}

var (
	outageKinds = []EventKind{SiteOutage, RegionOutage}
	eventObject = &object{
		name: "event",
		doc:  "One scenario event. Every event takes at and probability, or instead of probability a rate.",
		fields: []field{
			{key: "site", doc: "The site the event hits.", val: vID, kinds: []EventKind{SiteOutage, Isolate}, requiredFor: []EventKind{SiteOutage, Isolate}},
			{key: "region", doc: "The region whose sites all go out at once.", val: vText, kinds: []EventKind{RegionOutage}, requiredFor: []EventKind{RegionOutage}},
			{key: "services", doc: "The services down everywhere until fixed.", val: jsonSchema{"type": "array", "items": vID, "minItems": 1, "uniqueItems": true}, kinds: []EventKind{ServiceFault}, requiredFor: []EventKind{ServiceFault}},
			{key: "kind", doc: enumDoc("Event kind", eventKinds), val: jsonSchema{"enum": anyList(names(eventKinds))}, required: true},
			{key: "cause", doc: "A free label shown in reports, like fire.", val: vText},
			{key: "at", doc: "When the event starts (default 0).", val: vDist},
			{key: "probability", doc: "Chance the event happens in a trial, in [0, 1] (default 1).", val: orUncertain(vProb, "Probability")},
			{key: "rate", doc: "Instead of probability: Poisson occurrences over the horizon at uniform times, like 2/y (also N/w, N/d; a year is 365 days).", val: defRef("rate")},
			{key: "power_restore", doc: "Cumulative fractions of the site's servers powered again, non-decreasing, the last 1.0; without it or duration power never comes back. For a building, one list for every zone or a mapping zone → list that names every zone.",
				val: jsonSchema{"anyOf": []any{
					vStages,
					jsonSchema{"type": "object", "minProperties": 1, "propertyNames": jsonSchema{"pattern": idPattern}, "additionalProperties": vStages,
						"description": "A building's zones, each with its own stages: {hall-a: [{after: 20h, fraction: 1.0}], hall-b: [...]}."},
				}}, kinds: outageKinds},
			{key: "duration", doc: "How long the event lasts; for an outage, one stage restoring fraction 1.0. For a building, one duration for every zone or a mapping zone → duration that names every zone.",
				val: jsonSchema{"anyOf": []any{
					vDist,
					jsonSchema{"type": "object", "minProperties": 1, "propertyNames": jsonSchema{"pattern": idPattern}, "additionalProperties": vDist,
						"description": "A building's zones, each with its own duration: {hall-a: 20h, hall-b: 3d}."},
				}}, kinds: []EventKind{SiteOutage, RegionOutage, Isolate, ServiceFault}, requiredFor: []EventKind{Isolate, ServiceFault}},
			{key: "destroys_data", doc: "Chance the site's stored data is lost for good, in [0, 1].", val: orUncertain(vProb, "Probability"), kinds: outageKinds},
			{key: "building", doc: "Instead of site: the building whose zones all lose power at the same instant; the event's draws (whether, when, destroys_data) are shared by its zones.", val: vID, kinds: []EventKind{SiteOutage}, insteadOf: "site"},
		},
		exclusive: [][2]string{{"probability", "rate"}, {"power_restore", "duration"}},
	}
)

var stageObject = &object{
	name: "stage",
	doc:  "A power-restore stage, like {after: 20h, fraction: 0.35}.",
	fields: []field{
		{key: "after", doc: "Time from the outage start.", val: vDist, required: true},
		{key: "fraction", doc: "Cumulative fraction of the site's servers powered again, in (0, 1], compared exactly as the decimal written (at most 9 decimals).", val: orUncertain(jsonSchema{"type": "number", "exclusiveMinimum": 0, "maximum": 1}, "Probability"), required: true},
	},
}

var patchObject = &object{
	name: "patch",
	doc:  "An overlay on the platform: entries matched by id; every key given replaces that whole field; an unknown id adds the entry, which must then be complete.",
	fields: []field{
		{key: "services", doc: "Services to change or add.", val: listOf(defRef("servicePatch"))},
		{key: "sites", doc: "Sites to change or add.", val: listOf(defRef("sitePatch"))},
	},
}

var mitigationObject = &object{
	name: "mitigation",
	doc:  "A candidate mitigation for domino advise.",
	fields: []field{
		{key: "id", doc: "Unique mitigation id: [a-z0-9][a-z0-9._-]*.", val: vID, required: true},
		{key: "description", doc: "What the mitigation buys.", val: vText},
		{key: "cost", doc: "Cost in any unit, the same as --budget's (servers or money).", val: jsonSchema{"type": "number", "minimum": 0}},
		{key: "patch", doc: "The change to the platform, as a scenario patch.", val: defRef("patch")},
		{key: "add_crews", doc: "Crews it adds to the scenario's (more crews on call), instead of a patch.", val: orUncertain(jsonSchema{"type": "integer", "minimum": 1}, "Count")},
	},
	oneOf: [][]string{{"patch"}, {"add_crews"}},
}

// family is a distribution family: its key and the mapping of its
// parameters (nil for fixed and empirical, which take a value).
type family struct {
	named
	params *object
	val    jsonSchema // the value of a family without parameters
}

// families are the distribution families, in the order of DistKind.
var families = []family{
	{named: named{"fixed", "always this duration"}, val: vDur},
	{named: named{"uniform", "uniform between min and max"}, params: &object{
		name: "uniform", fields: []field{
			{key: "min", doc: "Smallest value.", val: vDur, required: true},
			{key: "max", doc: "Largest value (≥ min).", val: vDur, required: true},
		}}},
	{named: named{"triangular", "triangular with min ≤ mode ≤ max"}, params: &object{
		name: "triangular", fields: []field{
			{key: "min", doc: "Smallest value.", val: vDur, required: true},
			{key: "mode", doc: "Most likely value.", val: vDur, required: true},
			{key: "max", doc: "Largest value.", val: vDur, required: true},
		}}},
	{named: named{"exponential", "exponential with this mean"}, params: &object{
		name: "exponential", fields: []field{
			{key: "mean", doc: "Mean.", val: vDur, required: true},
		}}},
	{named: named{"lognormal", "lognormal given by {median, p95} (p95 > median) or {mu, sigma} in ln-hours"}, params: &object{
		name: "lognormal", fields: []field{
			{key: "median", doc: "Median.", val: vDur},
			{key: "p95", doc: "95th percentile (> median).", val: vDur},
			{key: "mu", doc: "Mean of the log, in ln-hours.", val: vNum},
			{key: "sigma", doc: "Standard deviation of the log (> 0).", val: vNum},
		},
		oneOf: [][]string{{"median", "p95"}, {"mu", "sigma"}},
	}},
	{named: named{"weibull", "Weibull with shape k > 0 and a scale"}, params: &object{
		name: "weibull", fields: []field{
			{key: "shape", doc: "Shape k (> 0).", val: vNum, required: true},
			{key: "scale", doc: "Scale.", val: vDur, required: true},
		}}},
	{named: named{"gamma", "gamma with shape k > 0 and a scale"}, params: &object{
		name: "gamma", fields: []field{
			{key: "shape", doc: "Shape k (> 0).", val: vNum, required: true},
			{key: "scale", doc: "Scale.", val: vDur, required: true},
		}}},
	{named: named{"empirical", "one of these durations, equally likely"}, val: jsonSchema{"type": "array", "items": vDur, "minItems": 1}},
}

func familyNames() []string {
	out := make([]string, len(families))
	for i, f := range families {
		out[i] = f.name
	}
	return out
}

// objects are every strict mapping of the format, in $defs order.
func objects() []*object {
	return []*object{fileObject, platformObject, targetObject, siteObject, serviceObject, redundancyObject, recoveryObject,
		dataObject, backupObject, dependencyObject, scenarioObject, eventObject, stageObject, patchObject, mitigationObject}
}

func enumDoc(what string, l []named) string {
	s := what + ":"
	for _, n := range l {
		s += "\n- " + n.name + ": " + n.doc
	}
	return s
}

func anyList(l []string) []any {
	out := make([]any, len(l))
	for i, s := range l {
		out[i] = s
	}
	return out
}

// uncertainObject is the range under an uncertain key (docs/model.md §3.1),
// written where a duration, probability, fraction, count or rate goes:
// {uncertain: {low: 30m, high: 4h}}.
var uncertainObject = &object{
	name: "uncertainRange",
	doc:  "A range of values an input may take, for domino sensitivity and --uncertainty; a plain run uses its nominal value: the mode of a triangular range, the midpoint of a uniform one, the geometric mean of a loguniform one.",
	fields: []field{
		{key: "low", doc: "The lowest value, written as the value itself would be (30m, 0.2, 3, 0.5/y).", val: jsonSchema{}, required: true},
		{key: "high", doc: "The highest value, at least low.", val: jsonSchema{}, required: true},
		{key: "dist", doc: "How the values spread over [low, high]: uniform (the default), triangular (needs mode) or loguniform (needs low > 0).", val: jsonSchema{"enum": []any{"uniform", "triangular", "loguniform"}}},
		{key: "mode", doc: "The most likely value of a triangular range, in [low, high]; a plain run uses it.", val: jsonSchema{}},
	},
}
