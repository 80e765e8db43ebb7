// Package benchutil holds what the benchmark programs share: building the
// tributary binary, writing configs, and taking medians.
package benchutil

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Build compiles cmd/tributary into dir and returns the binary's path.
func Build(dir string) (string, error) {
	bin := filepath.Join(dir, "tributary")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/tributary")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build tributary (run from the repository root): %w", err)
	}
	return bin, nil
}

// Config writes a config.toml in dir for the given source URLs.
func Config(dir, listen string, urls []string, extra string) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "[server]\nlisten = %q\n\n[store]\npath = \"tributary.db\"\n\n%s\n", listen, extra)
	for i, u := range urls {
		fmt.Fprintf(&b, "[[source]]\nname = \"s%d\"\nurl = %q\n\n", i, u)
	}
	path := filepath.Join(dir, "config.toml")
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

// Median of durations.
func Median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// MedianF of floats.
func MedianF(fs []float64) float64 {
	s := append([]float64(nil), fs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}
