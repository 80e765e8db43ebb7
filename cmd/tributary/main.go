// Command tributary aggregates RSS, Atom and JSON feeds and republishes them
// as one merged feed. This package only wires the packages together and
// speaks to a running daemon for the operator's commands.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/tributary-feeds/tributary/config"
	"github.com/tributary-feeds/tributary/fetcher"
	"github.com/tributary-feeds/tributary/publisher"
)

// version is set at build time with -ldflags "-X main.version=…"; when
// empty, it comes from the module's build information.
var version = ""

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

const usage = `usage: tributary COMMAND [flags]

commands:
  run         [--config FILE] [--log-format text|json] [--log-level LEVEL]
                                           run the daemon (SIGHUP reloads the config)
  fetch       [--config FILE] [--log-format text|json] [--log-level LEVEL] [SOURCE...]
                                           fetch all (or the named) sources once, now
                                           (through the running daemon when it holds the store)
  check       [--config FILE]              validate the configuration
  reload      [--config FILE]              make the running daemon re-read its config
  status      [--config FILE] [--json]     what every source is doing (asks the daemon)
  backup      [--config FILE] FILE         write a consistent copy of the store (asks the daemon)
  compact     [--config FILE]              shrink the store file (the daemon must be stopped)
  check-store [--config FILE]              check the store file for damage (the daemon must be stopped)
  migrate-store --from bolt:PATH --to postgres:DSN
                                           copy a bbolt store into an empty PostgreSQL database (daemon stopped)
  import-opml FILE                         print [[source]] tables for an OPML file's feeds
  version                                  print the version

--config defaults to ./config.toml. LEVEL is debug, info, warn or error
(run logs at info and above by default, fetch at warn).
Exit status: 0 ok, 1 failure, 2 usage error.
`

func main() {
	os.Exit(runMain(os.Args[1:], os.Stdout, os.Stderr))
}

func runMain(args []string, stdout, stderr io.Writer) int {
	fetcher.Version = resolveVersion()
	publisher.Version = fetcher.Version
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "run":
		return cmdRun(args, stdout, stderr)
	case "fetch":
		return cmdFetch(args, stdout, stderr)
	case "check":
		return cmdCheck(args, stdout, stderr)
	case "reload":
		return cmdReload(args, stdout, stderr)
	case "status":
		return cmdStatus(args, stdout, stderr)
	case "backup":
		return cmdBackup(args, stdout, stderr)
	case "compact":
		return cmdCompact(args, stdout, stderr)
	case "check-store":
		return cmdCheckStore(args, stdout, stderr)
	case "migrate-store":
		return cmdMigrateStore(args, stdout, stderr)
	case "import-opml":
		return cmdImportOPML(args, stdout, stderr)
	case "version", "--version":
		return cmdVersion(args, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "tributary: unknown command %q\n\n%s", cmd, usage)
	return exitUsage
}

// newFlags is a command's flag set with --config.
func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs, fs.String("config", config.DefaultFile, "configuration `FILE`")
}

// flags parses a command's flags; ok is false on a usage error.
func flags(name string, args []string, stderr io.Writer) (fs *flag.FlagSet, configPath *string, ok bool) {
	fs, configPath = newFlags(name, stderr)
	return fs, configPath, fs.Parse(args) == nil
}

// load reads the configuration, printing every problem.
func load(path string, stderr io.Writer) (*config.Config, bool) {
	cfg, err := config.LoadWith(path, overrides())
	if err != nil {
		fmt.Fprintln(stderr, explain(err))
		return nil, false
	}
	return cfg, true
}

// explain adds to a configuration error what to do about it: a missing
// file names --config and the example.
func explain(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return err.Error() + "\n" + missingConfigHint
	}
	return err.Error()
}

const missingConfigHint = `tributary: name the configuration with --config FILE (the default is ./config.toml); ` +
	`config.toml in the source repository is a working example to start from`
