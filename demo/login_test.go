package demo_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"wuye/demo"
	"wuye/internal/testapp"
)

// TestEveryDemoLoginWorks signs in with every demo account through the REST
// API, as the README promises.
func TestEveryDemoLoginWorks(t *testing.T) {
	type login struct{ collection, email string }
	var logins []login
	for _, a := range append(demo.Staff, demo.OtherStaff...) {
		logins = append(logins, login{"staff", a.Email})
	}
	for _, r := range demo.Residents {
		logins = append(logins, login{"residents", r.Email})
	}
	for _, l := range logins {
		s := tests.ApiScenario{
			Name:            l.email,
			Method:          http.MethodPost,
			URL:             "/api/collections/" + l.collection + "/auth-with-password",
			Body:            strings.NewReader(`{"identity":"` + l.email + `","password":"` + demo.Password + `"}`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"token":"`, `"email":"` + l.email + `"`},
			TestAppFactory:  testapp.Factory,
		}
		s.Test(t)
	}
}
