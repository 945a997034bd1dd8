package hooks

import (
	"net/http"
	"strconv"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"wuye/lib/money"
)

// maxCapitals bounds one request: a batch of notices prints a few hundred.
const maxCapitals = 1000

// GET /api/wuye/capitals?fen=12345&fen=-500 answers {"12345": "壹佰贰拾叁元肆角伍分", …}:
// amounts in Chinese capitals (大写) for pages that print totals they add up
// themselves, so that lib/money stays the one place that writes them.
func registerCapitals(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/wuye/capitals", capitals).Bind(apis.RequireAuth())
		return se.Next()
	})
}

func capitals(e *core.RequestEvent) error {
	values := e.Request.URL.Query()["fen"]
	if len(values) == 0 || len(values) > maxCapitals {
		return badRequest(validation.Errors{"fen": codedError("validation_invalid_value")})
	}
	out := make(map[string]string, len(values))
	for _, v := range values {
		fen, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return badRequest(validation.Errors{"fen": codedError("validation_invalid_value")})
		}
		out[v] = money.Capital(fen)
	}
	return e.JSON(http.StatusOK, out)
}
