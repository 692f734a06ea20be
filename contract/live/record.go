package live

import (
	"cmp"
	"time"

	"github.com/b2b-contract/s2s-tokens/contract/recording"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// NewRecording redacts the exchanges of a run with r and returns them as a
// recording with its provenance: when the run started, the host, the spec
// version and the tool version.
func NewRecording(out *Outcome, r *recording.Redactor) *recording.Recording {
	note := "tokens-contract live: " + plural(len(out.Exchanges), "request")
	if out.Stopped != "" {
		note += "; stopped early: " + out.Stopped
	}
	return &recording.Recording{
		Format: recording.FormatCassette,
		Provenance: &recording.Provenance{
			RecordedAt:  out.StartedAt.UTC().Truncate(time.Second),
			Host:        out.BaseURL.Host,
			SpecVersion: openapi.Version(),
			ToolVersion: "tokens-contract " + ToolVersion(),
			Redacted:    recording.RedactionNote,
			Note:        r.Text(note),
			BasePath:    cmp.Or(out.BaseURL.Path, "/"),
		},
		Exchanges: r.Redact(out.Exchanges),
	}
}
