package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/exitcode"
)

func rulesCommand() command {
	return command{name: "rules", summary: "list every finding id: its layer, default severity, meaning and what to do", run: runRules}
}

const rulesDescription = `Lists every finding id the checker and the other commands report, from the
registry the reports use: its layer, its default severity (--severity
ID=SEVERITY changes it for a run), what it means, and what to do about it.

Severities, from least to most serious: info (worth knowing, not drift),
deprecation (a retirement signal), additive (new and undeclared; nothing
breaks yet), breaking (a consumer written against the contract would break).
--fail-on (default additive) says which of them fail a run.`

// ruleJSON is one rule in "rules --format json".
type ruleJSON struct {
	ID       string `json:"id"`
	Layer    string `json:"layer"`
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Advice   string `json:"advice"`
}

func runRules(_ context.Context, env *environment, args []string) int {
	fs := newFlagSet(env, "rules", "rules [--format text|json]", rulesDescription)
	format := fs.String("format", "text", "output `FORMAT`: text or json")
	args, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(args) > 0 {
		fmt.Fprintf(env.stderr, "tokens-contract rules: unexpected argument %q; rules takes flags only\n", args[0])
		return exitcode.Usage
	}
	rules := contract.Rules()
	switch *format {
	case "json":
		out := struct {
			Rules []ruleJSON `json:"rules"`
		}{Rules: make([]ruleJSON, len(rules))}
		for i, r := range rules {
			out.Rules[i] = ruleJSON{ID: r.ID, Layer: string(r.Layer), Severity: r.Severity.String(), Summary: r.Summary, Advice: r.Advice}
		}
		b, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			fmt.Fprintf(env.stderr, "tokens-contract rules: %v\n", err)
			return exitcode.Usage
		}
		fmt.Fprintf(env.stdout, "%s\n", b)
	case "text":
		var b strings.Builder
		layer := contract.Layer("")
		for _, r := range rules {
			if r.Layer != layer {
				if layer != "" {
					b.WriteByte('\n')
				}
				layer = r.Layer
				fmt.Fprintf(&b, "%s\n", strings.ToUpper(string(layer)))
			}
			fmt.Fprintf(&b, "  %s (%s)\n    %s\n    what to do: %s\n", r.ID, r.Severity, r.Summary, r.Advice)
		}
		fmt.Fprint(env.stdout, b.String())
	default:
		fmt.Fprintf(env.stderr, "tokens-contract rules: --format %q: want text or json\n", *format)
		return exitcode.Usage
	}
	return exitcode.OK
}
