package live_test

import (
	"reflect"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract/live"
	"github.com/b2b-contract/s2s-tokens/internal/typereach"
)

// TestExportedTypesDoNotReachLibopenapi keeps the package cheap to import:
// see go doc ./internal/typereach.
func TestExportedTypesDoNotReachLibopenapi(t *testing.T) {
	typereach.CheckPackage(t, ".", map[string]reflect.Type{
		"Config":  reflect.TypeFor[live.Config](),
		"Outcome": reflect.TypeFor[live.Outcome](),
	})
}
