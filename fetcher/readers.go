package fetcher

import (
	"context"
	"runtime/metrics"
	"time"
)

// The daemon serves readers from the cores that parse feeds. Scheduled
// fetches are background work, nobody waits for them: their CPU-heavy part
// (parsing and normalising a document) runs for at most GOMAXPROCS-1
// sources at once (one on two cores), so readers always have a core; and at
// every few items it looks whether goroutines are waiting for a core. While
// they are, it pauses, but only so long that the background keeps
// [fetch].background_cores cores' worth of the clock: each of the slots
// keeps share = background_cores/slots of its time (at most all of it):
// after running for w, it pauses at most w×(1−share)/share, and at most
// yieldMax, in steps of yieldStep, going on as soon as nobody waits. So a
// flood of readers slows ingestion but cannot stop it. With the default of
// one core, a two-core machine's one slot never pauses, and an eight-core
// machine's seven slots each keep a seventh of their time. A fetch the
// operator asked for (`tributary fetch`, Once) runs at full speed.
//
// Pausing alone cannot keep that share: on two cores the slot never pauses,
// yet fifty readers' goroutines share the cores with it. So while a
// background turn works (held and not pausing), it keeps the Gate that cmd
// also hands to the publisher busy (Options.Gate, package cpushare): the
// readers' CPU work (renders, writing bodies) then runs on at most
// GOMAXPROCS−ceil(background_cores) cores, at least one, and waits its turn
// for the others. While the turn pauses, it is ahead of its share, and the
// gate is open.

const (
	yieldEvery = 4                      // items normalised between looks at the run queue
	yieldStep  = 2 * time.Millisecond   // a pause is made of steps, looking again after each
	yieldMax   = 100 * time.Millisecond // the longest pause
)

type bgKey struct{}

// asBackground marks ctx's fetches as scheduled ones.
func asBackground(ctx context.Context) context.Context {
	return context.WithValue(ctx, bgKey{}, true)
}

func isBackground(ctx context.Context) bool {
	b, _ := ctx.Value(bgKey{}).(bool)
	return b
}

// turn is one fetch's hold on a slot of the background CPU work. The zero
// turn (a fetch the operator asked for) never waits nor pauses.
type turn struct {
	f     *Fetcher
	share float64 // of its time the fetch keeps: background_cores over the slots
	cores float64 // background_cores, for the gate
	held  bool
	since time.Time // since when the fetch has run without a pause
}

// clock is what a turn reads and waits with: the real one, but for tests.
type clock struct {
	now     func() time.Time
	sleep   func(time.Duration)
	waiting func() int // goroutines ready to run but not running
}

var realClock = clock{now: time.Now, sleep: time.Sleep, waiting: waiting}

// cpuTurn takes a slot of the background CPU work, when ctx is background;
// done gives it back.
func (f *Fetcher) cpuTurn(ctx context.Context) *turn {
	if !isBackground(ctx) {
		return &turn{}
	}
	f.bgSem <- struct{}{}
	cores := f.config().Fetch.BackgroundCores
	share := min(1, cores/float64(cap(f.bgSem)))
	f.gate.Busy(cores)
	return &turn{f: f, share: share, cores: cores, held: true, since: f.clock.now()}
}

// done gives the slot back; later calls do nothing.
func (t *turn) done() {
	if t.held {
		t.held = false
		t.f.gate.Idle()
		<-t.f.bgSem
	}
}

// yield pauses a background fetch while goroutines wait for a core, for as
// long as keeps its share of the time (see above). It holds its slot
// meanwhile: the pause is the background's, not this source's.
func (t *turn) yield() {
	if !t.held {
		return
	}
	c := t.f.clock
	now := c.now()
	budget := pauseFor(now.Sub(t.since), t.share)
	if budget > 0 && c.waiting() > 0 {
		// Ahead of its share: readers need not give way meanwhile.
		t.f.gate.Idle()
		for paused := time.Duration(0); paused < budget && c.waiting() > 0; paused += yieldStep {
			c.sleep(min(yieldStep, budget-paused))
		}
		t.f.gate.Busy(t.cores)
	}
	t.since = c.now()
}

// pauseFor is the pause after running for worked that leaves the runner
// share of the time, at most yieldMax.
func pauseFor(worked time.Duration, share float64) time.Duration {
	if share <= 0 || share >= 1 {
		return 0
	}
	return min(time.Duration(float64(worked)*(1-share)/share), yieldMax)
}

// pass lets the other sources waiting for background CPU work go first (a
// big document is parsed in chunks, with passes between them), then takes
// a slot again.
func (t *turn) pass() {
	if !t.held {
		return
	}
	t.yield()
	<-t.f.bgSem
	t.f.bgSem <- struct{}{}
	t.since = t.f.clock.now()
}

// waiting is the number of goroutines ready to run but not running.
func waiting() int {
	s := []metrics.Sample{{Name: "/sched/goroutines/runnable:goroutines"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int(s[0].Value.Uint64())
}
