package supplier

// SMEEmployees is the largest head count of a small or medium enterprise in
// industry and construction under Decree 80/2021/ND-CP (Art. 5): up to 200
// employees insured by social insurance, and annual revenue up to 200 billion
// VND or total capital up to 100 billion VND.
const SMEEmployees = 200

// SME says whether the profile makes the firm a small or medium enterprise
// under Decree 80/2021/ND-CP, and whether the profile says enough to tell.
// KeyLink collects the head count but neither revenue nor capital, so the
// head count decides: a firm that states no head count is not known to be
// one (known is false), and the organiser sets the flag by hand.
func (r Registration) SME() (sme, known bool) {
	if r.Employees == nil {
		return false, false
	}
	return *r.Employees <= SMEEmployees, true
}
