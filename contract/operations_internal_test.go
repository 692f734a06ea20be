package contract

import (
	"strings"
	"sync"
	"testing"

	"github.com/pb33f/libopenapi-validator/config"

	"github.com/b2b-contract/s2s-tokens/internal/specload"
	"github.com/b2b-contract/s2s-tokens/openapi"
)

// TestBuildOperationsFollowsTheTable checks that the checker's operations
// are package openapi's table: the same ids, methods, paths and statuses,
// and the list operation marked.
func TestBuildOperationsFollowsTheTable(t *testing.T) {
	_, model, err := specload.EmbeddedLibopenapi()
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := openapi.ReadTable(openapi.FileName, openapi.YAML())
	if err != nil {
		t.Fatal(err)
	}
	ops, err := buildOperations(model, tbl, config.NewValidationOptions(), new(sync.Mutex), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	table, _ := openapi.Operations()
	list, _ := openapi.ListOperation()
	if len(ops) != len(table) {
		t.Fatalf("%d operations; the table has %d", len(ops), len(table))
	}
	for _, o := range ops {
		spec, err := openapi.FindOperation(o.method, o.path)
		if err != nil || spec.ID != o.id {
			t.Errorf("%s %s (%s): the table says %s, %v", o.method, o.path, o.id, spec, err)
			continue
		}
		if len(o.responses) != len(spec.Statuses) {
			t.Errorf("%s: %d responses; the table documents %v", o.id, len(o.responses), spec.Statuses)
		}
		for _, st := range spec.Statuses {
			if o.responses[st] == nil {
				t.Errorf("%s: no response for %d", o.id, st)
			}
		}
		if o.list != (o.id == list.ID) {
			t.Errorf("%s: list = %v", o.id, o.list)
		}
	}
	if p := tbl.Paging; p.MaxLimit < 1 || p.DefaultLimit < p.MinLimit {
		t.Errorf("paging = %+v", p)
	}
}

// TestBuildOperationsRejectsADisagreement feeds buildOperations a spec that
// differs from the embedded one, as a stale table or a second reading that
// went wrong would: it must fail and say how.
func TestBuildOperationsRejectsADisagreement(t *testing.T) {
	spec := string(openapi.YAML())
	deleteOp := "  /auth/backend:\n    delete:\n      operationId: delete-auth-backend\n"
	tests := []struct {
		name, from, to, want string
	}{
		{"a status the table has", "        '413':\n          $ref: '#/components/responses/PayloadTooLarge'\n", "", "statuses"},
		{"an operationId the table lacks", "operationId: delete-auth-backend", "operationId: delete-auth-backend-v2", `"delete-auth-backend-v2"`},
		{"an operation the model lacks", deleteOp, "  /auth/backend:\n    x-delete:\n      operationId: delete-auth-backend\n", "libopenapi does not read"},
		{"an operation moved", deleteOp, "  /auth/backend:\n    put:\n      operationId: delete-auth-backend\n", "PUT /auth/backend"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(spec, tt.from) {
				t.Fatalf("the spec lacks %q", tt.from)
			}
			_, model, err := specload.Libopenapi("changed.yaml", []byte(strings.Replace(spec, tt.from, tt.to, 1)))
			if err != nil {
				t.Fatalf("loading the changed spec: %v", err)
			}
			// The table is the embedded spec's, as a stale table would be.
			tbl, terr := openapi.ReadTable(openapi.FileName, openapi.YAML())
			if terr != nil {
				t.Fatal(terr)
			}
			_, err = buildOperations(model, tbl, config.NewValidationOptions(), new(sync.Mutex), nil, true)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("buildOperations = %v; want an error saying %q", err, tt.want)
			}
		})
	}
}
