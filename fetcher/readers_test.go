package fetcher

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tributary-feeds/tributary/internal/cpushare"
)

// fakeClock is a clock whose time moves only when told (work) or slept.
type fakeClock struct {
	t       time.Time
	slept   time.Duration
	readers int
}

func (c *fakeClock) clock() clock {
	return clock{
		now:     func() time.Time { return c.t },
		sleep:   func(d time.Duration) { c.t = c.t.Add(d); c.slept += d },
		waiting: func() int { return c.readers },
	}
}

// While readers wait for a core all the time (a flood), a background fetch
// pauses, but keeps its share (background_cores over the slots) of the
// clock: its work over
// work plus pauses. Without readers it never pauses; a fetch the operator
// asked for never does.
func TestBackgroundKeepsShareUnderFlood(t *testing.T) {
	for _, tt := range []struct {
		share   float64
		step    time.Duration // work between two yields
		readers int
		want    float64 // share of the clock spent working
	}{
		{0.5, 5 * time.Millisecond, 50, 0.5},
		{0.25, 5 * time.Millisecond, 50, 0.25},
		{0.9, 2 * time.Millisecond, 50, 0.9},
		{1, 5 * time.Millisecond, 50, 1},
		{0.5, 5 * time.Millisecond, 0, 1},            // no readers: full speed
		{0.1, 50 * time.Millisecond, 50, 50.0 / 150}, // a pause is at most yieldMax
		{0.5, 300 * time.Microsecond, 50, 0.5},       // short steps add up
	} {
		t.Run(fmt.Sprint(tt.share, tt.step, tt.readers), func(t *testing.T) {
			cfg := testConfig()
			f := New(cfg, nil, nil)
			cfg.Fetch.BackgroundCores = tt.share * float64(cap(f.bgSem))
			c := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), readers: tt.readers}
			f.clock = c.clock()
			turn := f.cpuTurn(asBackground(context.Background()))
			defer turn.done()
			var work time.Duration
			for range 200 {
				c.t = c.t.Add(tt.step)
				work += tt.step
				turn.yield()
			}
			got := float64(work) / float64(work+c.slept)
			if got < tt.want-0.01 || got > tt.want+0.01 {
				t.Errorf("worked %.3f of the time, want %.3f (work %v, paused %v)", got, tt.want, work, c.slept)
			}
		})
	}
	f := New(testConfig(), nil, nil)
	c := &fakeClock{readers: 50}
	f.clock = c.clock()
	turn := f.cpuTurn(context.Background()) // not background
	c.t = c.t.Add(time.Second)
	turn.yield()
	turn.pass()
	turn.done()
	if c.slept != 0 {
		t.Errorf("a fetch the operator asked for paused %v", c.slept)
	}
}

// admitsReader reports whether gate lets one more reader's CPU work in now.
func admitsReader(g *cpushare.Gate) bool {
	if !g.TryEnter() {
		return false
	}
	g.Leave()
	return true
}

// Readers give way to a background fetch that runs: while it works, the
// readers' CPU work passes the gate on the cores left over (one of two);
// while it pauses (ahead of its share) and once it is done, they run as they
// like. A fetch the operator asked for does not close the gate.
func TestReadersGiveWayWhileBackgroundRuns(t *testing.T) {
	cfg := testConfig()
	gate := cpushare.New(2)
	f := NewWithOptions(cfg, nil, nil, Options{Gate: gate})
	cfg.Fetch.BackgroundCores = 0.5 * float64(cap(f.bgSem)) // pauses under the flood
	c := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), readers: 50}
	var pauses, openInPause int
	clk := c.clock()
	sleep := clk.sleep
	clk.sleep = func(d time.Duration) {
		pauses++
		if admitsReader(gate) {
			openInPause++
		}
		sleep(d)
	}
	f.clock = clk

	if err := gate.Enter(context.Background()); err != nil { // one reader renders
		t.Fatal(err)
	}
	defer gate.Leave()
	if !admitsReader(gate) {
		t.Fatal("gate closed before any fetch")
	}
	turn := f.cpuTurn(asBackground(context.Background()))
	for range 10 {
		if admitsReader(gate) {
			t.Fatal("a second reader let in while a background fetch works on two cores")
		}
		c.t = c.t.Add(5 * time.Millisecond)
		turn.yield()
	}
	if pauses == 0 || openInPause != pauses {
		t.Errorf("gate open in %d of %d pause steps, want all (the fetch is ahead then)", openInPause, pauses)
	}
	turn.done()
	if !admitsReader(gate) {
		t.Error("gate still closed after the fetch's turn ended")
	}

	turn = f.cpuTurn(context.Background()) // the operator's fetch
	if !admitsReader(gate) {
		t.Error("an operator's fetch closed the gate")
	}
	turn.done()
}
