package main

import (
	"os"
	"runtime/debug"
	"testing"
)

// TestSetGCPercent: [fetch] gc_percent is applied to a fetch, unless the
// operator's GOGC is set.
func TestSetGCPercent(t *testing.T) {
	prev := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(prev) })

	t.Setenv("GOGC", "150") // restored after the test
	setGCPercent(400)
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set: GC percent %d, want the operator's (100 here)", got)
	}

	os.Unsetenv("GOGC")
	setGCPercent(400)
	if got := debug.SetGCPercent(100); got != 400 {
		t.Errorf("GC percent %d, want 400", got)
	}
}
