package main

import (
	"fmt"
	"io"
)

func cmdCheck(args []string, stdout, stderr io.Writer) int {
	fs, path, ok := flags("check", args, stderr)
	if !ok || fs.NArg() > 0 {
		return exitUsage
	}
	cfg, ok := load(*path, stderr)
	if !ok {
		return exitFail
	}
	fmt.Fprintf(stdout, "%s: ok (%d sources)\n", cfg.File, len(cfg.Sources))
	if len(cfg.Sources) == 0 {
		fmt.Fprintf(stderr, "warning: %s: no sources: the daemon would fetch nothing; add [[source]] tables (name, url)\n", cfg.File)
	}
	return exitOK
}
