package config

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
)

var scheduleParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses a robfig/cron/v3 spec or descriptor ("@every 30m",
// "@hourly", "0 */2 * * *", "CRON_TZ=Europe/Berlin 0 6 * * *"). Specs without
// a zone run in UTC, so that daylight-saving days neither skip nor repeat.
func ParseSchedule(spec string) (sched cron.Schedule, err error) {
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

func checkSchedule(spec string) error {
	if spec == "" {
		return fmt.Errorf("must not be empty")
	}
	s, err := ParseSchedule(spec)
	if err != nil {
		return err
	}
	if s.Next(time.Now()).IsZero() {
		return fmt.Errorf("schedule %q never fires", spec)
	}
	return nil
}
