package fetcher

import (
	"context"
	"runtime/metrics"
	"time"
)

// The daemon serves readers from the cores that parse feeds. Scheduled
// fetches are background work, nobody waits for them: their CPU-heavy part
// (parsing and normalising a document) runs for at most GOMAXPROCS-1
// sources at once (one on two cores), and, every few items, steps aside for
// a while when goroutines are waiting for a core. A fetch the operator asked
// for (`tributary fetch`, Once) runs at full speed.

const (
	yieldEvery = 4                    // items normalised between looks at the run queue
	yieldStep  = 2 * time.Millisecond // one pause
	yieldMax   = 100 * time.Millisecond
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

// cpuSlot takes a slot of the background CPU work, when ctx is background;
// release gives it back.
func (f *Fetcher) cpuSlot(ctx context.Context) (release func()) {
	if !isBackground(ctx) {
		return func() {}
	}
	f.bgSem <- struct{}{}
	return func() { <-f.bgSem }
}

// yieldToReaders pauses a background fetch while any goroutine waits for a
// core, up to yieldMax: readers get the CPU first, and the fetch still moves
// on (at worst one pause per yieldEvery items).
func yieldToReaders(ctx context.Context) {
	if !isBackground(ctx) {
		return
	}
	for waited := time.Duration(0); waited < yieldMax && waiting() > 0; waited += yieldStep {
		time.Sleep(yieldStep)
	}
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
