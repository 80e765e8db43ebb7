package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tributary-feeds/tributary/config"
)

func cmdImportOPML(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(stderr, "usage: tributary import-opml FILE")
		return exitUsage
	}
	f, err := os.Open(args[0])
	if err != nil {
		fmt.Fprintln(stderr, "tributary: import-opml:", err)
		return exitFail
	}
	defer f.Close()
	srcs, skipped, err := config.FromOPML(f)
	if err != nil {
		fmt.Fprintf(stderr, "tributary: import-opml %s: %v\n", args[0], err)
		return exitFail
	}
	for _, s := range skipped {
		fmt.Fprintf(stderr, "tributary: import-opml: skipped %s\n", s)
	}
	config.WriteSources(stdout, srcs, args[0])
	return exitOK
}
