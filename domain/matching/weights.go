package matching

// The soft-score weights: the points each component is worth when a demand
// states what the component compares. They sum to 100. A component the demand
// leaves out (no HS codes, no lead-time limit, no buyer country...) is skipped
// and the score is rescaled over the rest, so missing buyer data never caps a
// supplier. Change them here only; docs/matching.md explains them in a table.
const (
	// WeightText is the largest: title and description are the one thing every
	// demand and capability has, and the words a buyer uses name the product.
	WeightText = 20
	// WeightProcess is next: a supplier that cannot run the process (stamping,
	// SMT, slip casting) cannot make the part however well the rest fits.
	WeightProcess = 15
	// WeightHS rewards the same customs heading: the most precise standard
	// product code buyers and suppliers both already use.
	WeightHS = 12
	// WeightCapacity rewards covering the monthly volume: FDI buyers localise
	// to cut risk and will not split a part across many small shops.
	WeightCapacity = 12
	// WeightVSIC rewards the same economic activity; it is coarser than HS (a
	// VSIC class spans many products), so it counts for less.
	WeightVSIC = 8
	// WeightMaterial rewards working the requested materials; it is weighted
	// below process because a capable shop can usually source a new grade.
	WeightMaterial = 8
	// WeightLeadTime rewards meeting the buyer's maximum lead time; it decays
	// rather than dropping to zero because lead times are negotiable.
	WeightLeadTime = 6
	// WeightExport rewards export experience, most to the buyer's own country:
	// it proves the supplier passed that market's audits and paperwork.
	WeightExport = 6
	// WeightKeyProduct rewards city key-product recognition: a vetted firm,
	// and the recognition programme is what the organisers promote.
	WeightKeyProduct = 5
	// WeightMOQ rewards a minimum order within the monthly volume; small
	// because MOQ is often waived for a steady contract.
	WeightMOQ = 4
	// WeightLocality rewards the same district or industrial zone: cheaper
	// logistics and easier audits, but never decisive within one city.
	WeightLocality = 4
)

// Tunables of the components, kept beside the weights they shape.
const (
	// textSaturation is the cosine similarity that earns full text points:
	// two firms describing the same product in their own words rarely share
	// more than about a third of their vocabulary.
	textSaturation = 0.35
	// divisionCredit is the share of VSIC or HS points for matching only the
	// 2-digit division or chapter: the same trade, not the same product.
	divisionCredit = 0.5
	// genericCredit is the share of a process or material point when the
	// capability names a more generic item ("welding" for "mig welding").
	genericCredit = 0.5
	// exportElsewhereCredit is the share of export points for exporting, but
	// not yet to the buyer's country: the habits transfer, the audits do not.
	exportElsewhereCredit = 0.4
)
