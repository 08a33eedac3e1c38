package api

import (
	"net/http"
	"slices"
)

// exportRoutes are the GETs that also answer ?format=csv|xlsx
// (&section=NAME for one table as CSV).
var exportRoutes = []string{"/v1/events/{id}/report", "/v1/suppliers", "/v1/demands/{did}/matches", "/v1/events/{id}/schedule"}

// fileOperations adds the import route to ops and the export parameters
// to the routes that take them.
func fileOperations(ops []operation) []operation {
	for i, op := range ops {
		if op.method != http.MethodGet || !slices.Contains(exportRoutes, op.path) {
			continue
		}
		for _, q := range []string{"format", "section"} {
			if !slices.Contains(op.query, q) {
				ops[i].query = append(slices.Clone(ops[i].query), q)
			}
		}
		ops[i].summary += "; ?format=xlsx gives a workbook (one sheet per table), ?format=csv&section=NAME one table as CSV"
		if op.path == "/v1/events/{id}/schedule" {
			ops[i].summary += ", ?format=html printable A4 pages, one per day and table"
		}
	}
	return append(ops, operation{method: "POST", path: "/v1/imports",
		summary: "Import an .xlsx or .csv file (body or multipart field \"file\") of kind key_products, suppliers, buyers, " +
			"demands or registrations (with event_id); dry_run=true writes nothing; a file with any error writes nothing (organiser)",
		consumes: []string{mimeXLSX, mimeCSV, "multipart/form-data"}, response: ImportReport{},
		query:  []string{"kind", "dry_run", "event_id"},
		errors: []int{http.StatusNotFound, http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType}})
}
