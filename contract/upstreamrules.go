package contract

// LayerUpstream holds the rules of "tokens-contract upstream" (package
// internal/upstream): what the vendor's own published OpenAPI document says,
// compared with the version of it this contract was last reviewed against,
// and with this contract. They are about documents, not exchanges.
const LayerUpstream Layer = "upstream"

// Finding ids of the upstream layer. Like every id, part of the CLI contract.
const (
	IDVendorDocumentGone        = "vendor-document-gone"
	IDVendorDocumentUnreviewed  = "vendor-document-unreviewed"
	IDVendorOperationRemoved    = "vendor-operation-removed"
	IDVendorOperationAdded      = "vendor-operation-added"
	IDVendorRetirementAnnounced = "vendor-retirement-announced"
	IDVendorSecurityChanged     = "vendor-security-changed"
	IDVendorParameterChanged    = "vendor-parameter-changed"
	IDVendorStatusAdded         = "vendor-status-added"
	IDVendorStatusRemoved       = "vendor-status-removed"
	IDVendorPropertyAdded       = "vendor-property-added"
	IDVendorPropertyRemoved     = "vendor-property-removed"
	IDVendorSchemaChanged       = "vendor-schema-changed"
	IDVendorDifferenceNew       = "vendor-difference-new"
	IDVendorDifferenceKnown     = "vendor-difference-known"
	IDVendorDifferenceUnused    = "vendor-difference-record-unused"
)

const adviceVendorChange = "Update the spec where it disagrees (see the overlay action) or record the difference, then --record-review."

func init() {
	rule(IDVendorDocumentGone, Breaking, LayerUpstream,
		"The vendor's document is gone (404 or 410) from where info.x-vendor-source says.",
		"Look for a retirement notice or a moved file. "+adviceMigrate)
	rule(IDVendorDocumentUnreviewed, Additive, LayerUpstream,
		"The vendor's document is not the reviewed one (its facts digest differs).",
		"Diff it with --baseline-source (or run without --source), then --record-review.")
	rule(IDVendorOperationRemoved, Breaking, LayerUpstream,
		"The vendor's newest document drops an operation.",
		adviceMigrate)
	rule(IDVendorOperationAdded, Additive, LayerUpstream,
		"The vendor's newest document adds one of the operations.",
		adviceVendorChange)
	rule(IDVendorRetirementAnnounced, Deprecation, LayerUpstream,
		"The vendor's newest document adds a sunset date or the deprecated flag.",
		adviceMigrate)
	rule(IDVendorSecurityChanged, Breaking, LayerUpstream,
		"The vendor's newest document changes an operation's security.",
		adviceVendorChange)
	rule(IDVendorParameterChanged, Breaking, LayerUpstream,
		"The vendor's newest document changes a parameter (type, bounds, default, required).",
		adviceVendorChange)
	rule(IDVendorStatusAdded, Additive, LayerUpstream,
		"The vendor's newest document adds a response status.",
		adviceVendorChange)
	rule(IDVendorStatusRemoved, Breaking, LayerUpstream,
		"The vendor's newest document drops a response status.",
		adviceVendorChange)
	rule(IDVendorPropertyAdded, Additive, LayerUpstream,
		"The vendor's newest document adds a response property.",
		adviceVendorChange)
	rule(IDVendorPropertyRemoved, Breaking, LayerUpstream,
		"The vendor's newest document drops a response property.",
		adviceVendorChange)
	rule(IDVendorSchemaChanged, Breaking, LayerUpstream,
		"The vendor's newest document changes a type, enum, required flag, header, media type or the request body.",
		adviceVendorChange)
	rule(IDVendorDifferenceNew, Additive, LayerUpstream,
		"The contract and the vendor's document differ in a way info.x-vendor-differences does not record.",
		"Change the spec to agree, or record the difference and why.")
	rule(IDVendorDifferenceKnown, Info, LayerUpstream,
		"A deliberate difference from the vendor's document, as info.x-vendor-differences records it.",
		"Nothing to do; the record says why.")
	rule(IDVendorDifferenceUnused, Info, LayerUpstream,
		"An entry of info.x-vendor-differences matches no difference any more.",
		"Remove the entry (or the items) from the record.")
}
