package admin

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// WriteTable prints r as the human table of `tributary status`, times
// relative to now.
func WriteTable(w io.Writer, r Report, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SOURCE\tLAST SUCCESS\tFAILURES\tNEXT FETCH\tARTICLES\tNEWEST\tENRICH FAILED\tURL\tLAST ERROR")
	for _, s := range r.Sources {
		next := "-"
		if s.NextFetch != nil {
			next = until(*s.NextFetch, now)
		}
		if s.NextReason != "" {
			next += " (" + s.NextReason + ")"
		}
		if s.Gone {
			next = "never (gone: 410)"
		}
		lastErr := "-"
		switch {
		case s.LastError != "":
			lastErr = shorten(s.LastError, 72)
		case s.LastEnrichError != "":
			lastErr = "enrich: " + shorten(s.LastEnrichError, 64)
		}
		enrich := "-"
		if s.EnrichAttempts > 0 {
			enrich = fmt.Sprintf("%d of %d", s.EnrichFailures, s.EnrichAttempts)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t%s\t%s\t%s\t%s\n",
			s.Name, ago(s.LastSuccess, now), s.Failures, next, s.Articles, ago(s.NewestArticle, now), enrich, s.URL, lastErr)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d sources, %d failing\n", len(r.Sources), r.Failing)
	return err
}

// ago is "never", how long before now t was ("3m ago"), or its date when
// that is over a week.
func ago(t *time.Time, now time.Time) string {
	if t == nil {
		return "never"
	}
	d := now.Sub(*t)
	switch {
	case d < 0:
		return "in " + short(-d)
	case d > 7*24*time.Hour:
		return t.UTC().Format(time.DateOnly)
	}
	return short(d) + " ago"
}

// until is how long after now t is ("in 27m"), or "due" when past.
func until(t, now time.Time) string {
	d := t.Sub(now)
	if d <= 0 {
		return "due"
	}
	return "in " + short(d)
}

// short writes a duration in its largest sensible unit: 45s, 12m, 5h, 3d.
func short(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
}

// shorten keeps the table on one line per source.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
