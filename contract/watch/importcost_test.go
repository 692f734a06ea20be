package watch

import (
	"reflect"
	"testing"

	"github.com/b2b-contract/s2s-tokens/internal/typereach"
)

// TestExportedTypesDoNotReachLibopenapi keeps the package cheap to import:
// see go doc ./internal/typereach.
func TestExportedTypesDoNotReachLibopenapi(t *testing.T) {
	typereach.CheckPackage(t, ".", map[string]reflect.Type{
		"Option":       reflect.TypeFor[Option](),
		"Sink":         reflect.TypeFor[Sink](),
		"ExchangeSink": reflect.TypeFor[ExchangeSink](),
		"Transport":    reflect.TypeFor[Transport](),
	})
}
