FROM scratch AS a
COPY --from=nowhere-stage-that-does-not-exist:latest:bad /x /x
FROM a AS a
