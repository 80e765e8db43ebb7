package fetcher

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tributary-feeds/tributary/article"
	"github.com/tributary-feeds/tributary/config"
)

// Adaptive scheduling (schedule = "adaptive"): a source is fetched at half
// the median gap between the dates of its newest items, so that a feed
// posting every two hours is asked every hour and one posting weekly about
// daily; a feed silent for longer than its rhythm is asked less often, and
// the interval always stays within [fetch] min_interval and max_interval.

const (
	// adaptiveItems is how many of a feed's newest distinct item dates
	// measure its rhythm.
	adaptiveItems = 20
	// adaptiveMinDates is the fewest distinct dates that measure anything
	// (two gaps); with fewer, config.AdaptiveFallback applies.
	adaptiveMinDates = 3
	// adaptiveSilence divides the time since a feed's newest item: a feed
	// silent for that long is asked at most every silence/adaptiveSilence,
	// so a dormant feed drifts to max_interval.
	adaptiveSilence = 4
)

// datesBefore is the earliest item date believed: older ones are garbage
// (a zero time printed by the publisher's software, the epoch).
var datesBefore = time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC)

// postingRate is what a feed's item dates say of how often it posts.
type postingRate struct {
	known  bool          // measured from a parse since the daemon started
	dates  int           // distinct usable dates measured (at most adaptiveItems)
	median time.Duration // median gap between consecutive dates; 0 with fewer than adaptiveMinDates
	newest time.Time     // the newest usable date
}

// measurePosting measures the rhythm of a parsed feed's articles from the
// dates the feed gave them (published, else updated): undated items, dates
// in the future or before 1995 are left out, and items sharing a date count
// once (a feed that stamps every item with its build time has no rhythm).
func measurePosting(arts []article.Article, now time.Time) postingRate {
	dates := make([]time.Time, 0, len(arts))
	for _, a := range arts {
		d := a.Published
		if d.IsZero() || d.Before(datesBefore) || d.After(now) {
			continue
		}
		dates = append(dates, d.UTC())
	}
	slices.SortFunc(dates, func(a, b time.Time) int { return b.Compare(a) }) // newest first
	dates = slices.CompactFunc(dates, time.Time.Equal)
	r := postingRate{known: true, dates: min(len(dates), adaptiveItems)}
	if len(dates) > 0 {
		r.newest = dates[0]
	}
	if r.dates < adaptiveMinDates {
		return r
	}
	dates = dates[:r.dates]
	gaps := make([]time.Duration, 0, len(dates)-1)
	for i := 1; i < len(dates); i++ {
		gaps = append(gaps, dates[i-1].Sub(dates[i]))
	}
	slices.Sort(gaps)
	if n := len(gaps); n%2 == 1 {
		r.median = gaps[n/2]
	} else {
		r.median = (gaps[n/2-1] + gaps[n/2]) / 2
	}
	return r
}

// interval is how often a source of this rhythm is fetched, within
// [lo, hi] ([fetch] min_interval and max_interval; lo wins should they
// cross), and why, as the source's next_reason says it.
func (r postingRate) interval(now time.Time, lo, hi time.Duration) (time.Duration, string) {
	var d time.Duration
	var why string
	switch {
	case !r.known:
		d, why = config.AdaptiveFallback, "the default until the feed's dates are read"
	case r.dates < adaptiveMinDates:
		d, why = config.AdaptiveFallback, fmt.Sprintf("the default: %s, fewer than %d, to measure its rhythm", datedItems(r.dates), adaptiveMinDates)
	default:
		d, why = r.median/2, fmt.Sprintf("half the median gap of the last %d dated items", r.dates)
		if s := now.Sub(r.newest) / adaptiveSilence; s > d {
			d, why = s, fmt.Sprintf("silent for %s since its newest item (half the median gap of its last %d dated items is %s)", humanDuration(now.Sub(r.newest)), r.dates, humanDuration(r.median/2))
		}
	}
	switch {
	case d > hi && hi >= lo:
		d, why = hi, why+"; capped at [fetch] max_interval"
	case d < lo:
		d, why = lo, why+"; raised to [fetch] min_interval"
	}
	return d, fmt.Sprintf("adaptive: every %s (%s)", humanDuration(d), why)
}

// datedItems says how many dated items there were.
func datedItems(n int) string {
	switch n {
	case 0:
		return "no dated items"
	case 1:
		return "1 dated item"
	}
	return fmt.Sprintf("%d dated items", n)
}

// humanDuration writes d to the second without trailing zero units:
// "2h15m", "1h", "45m", "30s".
func humanDuration(d time.Duration) string {
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
