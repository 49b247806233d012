// Package synth provides synthetic platforms for benchmarks and research: a
// deterministic generator of docs/model.md platform-and-scenario files of any size.
//
// The generated service graph follows the Barabási–Albert preferential
// attachment model (A.-L. Barabási and R. Albert, "Emergence of scaling in
// random networks", Science 286, 1999): services are added one at a time and
// each new one depends on 1–3 earlier ones chosen with probability
// proportional to their in-degree + 1, which yields a scale-free DAG of a few
// heavily shared back ends and many leaf front ends. On top of it the
// generator adds what made the Kakao 2022 fire hard to recover from: an
// operations tooling layer (config, auth, deploy, monitoring, failover
// control) placed mostly on the most loaded site, a cold-start cycle between
// config and auth, a few runtime cycles (back-edges, some soft), groups of
// alternatives (DNS, CDN), and a mix of active-standby, active-active and
// single-site services.
//
// Two scenarios come with every platform: "fire", which burns the most
// loaded site (by servers placed) with power restored in three stages, and
// "random", independent random failures over 30 days.
//
// The output depends only on the Options: every draw comes from one
// math/rand/v2 PCG stream seeded with Options.Seed, and nothing iterates a map.
package synth
