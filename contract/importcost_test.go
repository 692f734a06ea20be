package contract_test

import (
	"reflect"
	"testing"

	"github.com/b2b-contract/s2s-tokens/contract"
	"github.com/b2b-contract/s2s-tokens/internal/typereach"
)

// TestExportedTypesDoNotReachLibopenapi keeps the package cheap to import:
// see go doc ./internal/typereach.
func TestExportedTypesDoNotReachLibopenapi(t *testing.T) {
	types := map[string]reflect.Type{
		"Acceptance":        reflect.TypeFor[contract.Acceptance](),
		"Age":               reflect.TypeFor[contract.Age](),
		"AssumedResponse":   reflect.TypeFor[contract.AssumedResponse](),
		"Checker":           reflect.TypeFor[contract.Checker](),
		"Coverage":          reflect.TypeFor[contract.Coverage](),
		"CoverageReport":    reflect.TypeFor[contract.CoverageReport](),
		"CoverageScope":     reflect.TypeFor[contract.CoverageScope](),
		"CoverageTotal":     reflect.TypeFor[contract.CoverageTotal](),
		"ErrorProbe":        reflect.TypeFor[contract.ErrorProbe](),
		"EnumCoverage":      reflect.TypeFor[contract.EnumCoverage](),
		"EnumValue":         reflect.TypeFor[contract.EnumValue](),
		"Exchange":          reflect.TypeFor[contract.Exchange](),
		"Finding":           reflect.TypeFor[contract.Finding](),
		"HeaderCoverage":    reflect.TypeFor[contract.HeaderCoverage](),
		"Layer":             reflect.TypeFor[contract.Layer](),
		"NewSecondOpinion":  reflect.TypeFor[contract.NewSecondOpinion](),
		"OperationCoverage": reflect.TypeFor[contract.OperationCoverage](),
		"Option":            reflect.TypeFor[contract.Option](),
		"PageTracker":       reflect.TypeFor[contract.PageTracker](),
		"ParameterCoverage": reflect.TypeFor[contract.ParameterCoverage](),
		"PathStep":          reflect.TypeFor[contract.PathStep](),
		"PropertyCoverage":  reflect.TypeFor[contract.PropertyCoverage](),
		"Rejection":         reflect.TypeFor[contract.Rejection](),
		"Request":           reflect.TypeFor[contract.Request](),
		"Response":          reflect.TypeFor[contract.Response](),
		"ResponseCoverage":  reflect.TypeFor[contract.ResponseCoverage](),
		"Result":            reflect.TypeFor[contract.Result](),
		"Rule":              reflect.TypeFor[contract.Rule](),
		"SecondOpinion":     reflect.TypeFor[contract.SecondOpinion](),
		"Severities":        reflect.TypeFor[contract.Severities](),
		"Severity":          reflect.TypeFor[contract.Severity](),
		"SkipCount":         reflect.TypeFor[contract.SkipCount](),
		"Skips":             reflect.TypeFor[contract.Skips](),
		"StatusCount":       reflect.TypeFor[contract.StatusCount](),
	}
	typereach.CheckPackage(t, ".", types)
}
