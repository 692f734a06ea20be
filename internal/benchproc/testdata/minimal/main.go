// Command minimal is the baseline of BenchmarkStartup: the least a program
// can do to check a HAR's token-list responses with libopenapi-validator. It
// loads the same embedded spec as tokens-contract, reads the HAR given as its
// argument, and validates every response of GET …/backend/tokens in it. It
// exits 1 if a response fails validation or the input cannot be read.
package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"

	"github.com/b2b-contract/s2s-tokens/openapi"
)

type har struct {
	Log struct {
		Entries []struct {
			Request struct {
				Method string `json:"method"`
				URL    string `json:"url"`
			} `json:"request"`
			Response struct {
				Status  int `json:"status"`
				Content struct {
					MimeType string `json:"mimeType"`
					Text     string `json:"text"`
					Encoding string `json:"encoding"`
				} `json:"content"`
			} `json:"response"`
		} `json:"entries"`
	} `json:"log"`
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "minimal:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: minimal FILE.har")
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	var h har
	if err := json.Unmarshal(data, &h); err != nil {
		return fmt.Errorf("%s: %w", args[0], err)
	}
	doc, err := libopenapi.NewDocument(openapi.YAML())
	if err != nil {
		return err
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return errs[0]
	}
	checked := 0
	for _, e := range h.Log.Entries {
		path, _, _ := strings.Cut(e.Request.URL, "?")
		if e.Request.Method != http.MethodGet || !strings.HasSuffix(path, "/backend/tokens") {
			continue
		}
		req, err := http.NewRequest(e.Request.Method, e.Request.URL, nil)
		if err != nil {
			return err
		}
		body := e.Response.Content.Text
		if e.Response.Content.Encoding == "base64" {
			b, err := base64.StdEncoding.DecodeString(body)
			if err != nil {
				return fmt.Errorf("%s: the body is not base64: %w", e.Request.URL, err)
			}
			body = string(b)
		}
		resp := &http.Response{
			StatusCode: e.Response.Status,
			Header:     http.Header{"Content-Type": {e.Response.Content.MimeType}},
			Body:       io.NopCloser(strings.NewReader(body)),
			Request:    req,
		}
		if ok, verrs := v.ValidateHttpResponse(req, resp); !ok {
			return fmt.Errorf("%s: %d validation errors, the first: %s (%s)", e.Request.URL, len(verrs), verrs[0].Message, verrs[0].Reason)
		}
		checked++
	}
	fmt.Printf("%d responses valid\n", checked)
	return nil
}
