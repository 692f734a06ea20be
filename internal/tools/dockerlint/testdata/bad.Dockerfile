# A Dockerfile with one mistake per line that BuildKit's checks name; the
# test expects each rule below.
FROM golang:1.26 as build
MAINTAINER someone@example.test
ENV GOFLAGS -trimpath
RUN echo "$UNDEFINED_VARIABLE"
FROM scratch
COPY --from=build /go/bin/x /x
CMD /x
