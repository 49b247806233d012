package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkCommands times whole domino commands, from reading the file to
// writing the results: runs of a generated 1,000-service platform (a fire,
// and random failures), of the Kakao example, and a rank. It is also the
// workload to profile before profile-guided optimisation, which we tried
// and dropped: it bought nothing measurable (BenchmarkRun 2,765 trials/s
// with it, 2,803 without).
func BenchmarkCommands(b *testing.B) {
	dir := b.TempDir()
	gen := filepath.Join(dir, "gen-1000.json")
	if code := run(context.Background(), []string{"gen", "--services", "1000", "--sites", "6", "-o", gen},
		strings.NewReader(""), io.Discard, io.Discard); code != 0 {
		b.Fatalf("gen: exit %d", code)
	}
	out := filepath.Join(dir, "out.json")
	cmds := []struct {
		name string
		args []string
	}{
		{"run-gen-1000-fire", []string{"run", gen, "--trials", "2000", "-o", out}},
		{"run-gen-1000-random", []string{"run", gen, "--scenario", "random", "--trials", "1000", "-o", out}},
		{"run-kakao", []string{"run", "kakao-pangyo-2022", "--trials", "10000", "-o", out}},
		{"rank-kakao", []string{"rank", "kakao-pangyo-2022", "--trials", "300", "-o", out}},
	}
	for _, c := range cmds {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if code := run(context.Background(), c.args, strings.NewReader(""), io.Discard, io.Discard); code != 0 {
					b.Fatalf("%s: exit %d", c.name, code)
				}
			}
		})
	}
}
