package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

var scheduleParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// Adaptive is the schedule spec whose interval follows the source's own
// posting rate (see the fetcher): IsAdaptive tells it from a cron spec.
const Adaptive = "adaptive"

// AdaptiveFallback is an adaptive source's interval until its feed has given
// enough dates to measure its posting rate (clamped, like any adaptive
// interval, to [fetch] min_interval and max_interval).
const AdaptiveFallback = time.Hour

// IsAdaptive reports whether spec is "adaptive" (any case, spaces around).
func IsAdaptive(spec string) bool {
	return strings.EqualFold(strings.TrimSpace(spec), Adaptive)
}

// AdaptiveSchedule is what ParseSchedule gives for "adaptive": as a
// cron.Schedule it fires every AdaptiveFallback, which is what callers that
// only estimate (a status page, a cache lifetime) should assume; the fetcher
// replaces it after each fetch by the interval the feed's dates give.
type AdaptiveSchedule struct{}

// Next is t plus AdaptiveFallback.
func (AdaptiveSchedule) Next(t time.Time) time.Time { return t.Add(AdaptiveFallback) }

// ParseSchedule parses a robfig/cron/v3 spec or descriptor ("@every 30m",
// "@hourly", "0 */2 * * *", "CRON_TZ=Europe/Berlin 0 6 * * *"), or "adaptive"
// (an AdaptiveSchedule). Specs without a zone run in UTC, so that
// daylight-saving days neither skip nor repeat.
func ParseSchedule(spec string) (sched cron.Schedule, err error) {
	if IsAdaptive(spec) {
		return AdaptiveSchedule{}, nil
	}
	defer func() {
		// cron's parser panics on some malformed input ("CRON_TZ=UTC" alone).
		if r := recover(); r != nil {
			sched, err = nil, fmt.Errorf("invalid schedule %q", spec)
		}
	}()
	s, err := scheduleParser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("invalid schedule %q: %v", spec, err)
	}
	if spec, ok := s.(*cron.SpecSchedule); ok && spec.Location == time.Local {
		spec.Location = time.UTC
	}
	return s, nil
}

// checkSchedule reports a schedule that does not parse, never fires, or
// fires more often than floor ([fetch] min_interval). "adaptive" passes: its
// intervals are clamped to the floor when they are chosen.
func checkSchedule(spec string, floor time.Duration) error {
	if spec == "" {
		return fmt.Errorf("must not be empty")
	}
	if IsAdaptive(spec) {
		return nil
	}
	s, err := ParseSchedule(spec)
	if err != nil {
		return err
	}
	if s.Next(time.Now()).IsZero() {
		return fmt.Errorf("schedule %q never fires", spec)
	}
	gap, err := minGap(spec, s, floor)
	if err != nil {
		return err
	}
	if gap < floor {
		return fmt.Errorf("schedule %q fires as often as every %v, more often than [fetch] min_interval (%v)", spec, gap, floor)
	}
	return nil
}

// gapSample bounds minGap's walk over a cron spec's firings: more than a
// day's worth of even a spec firing every minute (1,440), so the gaps of a
// whole firing day and of the night into the next are seen.
const gapSample = 20000

// minGap is the shortest time between two firings of s, parsed from spec,
// or a duration under floor as soon as one is seen. "@every D" fires every
// D: cron makes a D under a second one second, and would take a zero or
// negative D, which is refused. Other specs are walked from a fixed start
// for gapSample firings or a year, whichever comes first; their gaps are
// whole minutes.
func minGap(spec string, s cron.Schedule, floor time.Duration) (time.Duration, error) {
	if d, ok := s.(cron.ConstantDelaySchedule); ok {
		raw, err := time.ParseDuration(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(spec), "@every")))
		if err == nil && raw <= 0 {
			return 0, fmt.Errorf("schedule %q: the interval must be positive", spec)
		}
		if err == nil && raw < d.Delay {
			return raw, nil
		}
		return d.Delay, nil
	}
	if floor <= time.Minute {
		return time.Minute, nil // no five-field spec fires more often
	}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(1, 0, 1)
	gap := time.Duration(1<<63 - 1)
	prev := s.Next(start)
	for i := 0; i < gapSample && !prev.IsZero() && prev.Before(end); i++ {
		next := s.Next(prev)
		if next.IsZero() {
			break
		}
		if g := next.Sub(prev); g < gap {
			gap = g
			if gap < floor {
				break
			}
		}
		prev = next
	}
	return gap, nil
}
