-- The local entry tier's follower: reads dcp's upstreams from Consul KV the way
-- nginx-upsync-module does and applies them to HAProxy's servers, without a reload.
--
-- Same protocol as the module: one blocking query per upstream on
-- /v1/kv/<prefix>/<upstream>/?recurse (trailing slash: `feed` must not pick up `feed2`),
-- bounded by UPSYNC_TIMEOUT (upsync_timeout, 6m); after each answer it waits
-- UPSYNC_INTERVAL (upsync_interval, 5s) before asking again. Keys whose last segment is not
-- a literal IPv4:port are skipped; value fields default to weight 1, max_fails 2,
-- fail_timeout 10, down 0, and a value that is not JSON is used with those defaults. An
-- upstream whose folder is empty keeps its last servers, as the module does.
--
-- Each upstream is a backend with UPSYNC_SLOTS server slots (server-template, disabled).
-- A server in KV takes a slot: address, weight, and ready or maintenance for `down`. A
-- server gone from KV goes to maintenance: HAProxy sends it no new request and lets the
-- ones in flight finish. `/upstream_show` on the status frontend answers in the module's
-- format, so dcp polls this tier exactly as it polls nginx-upsync-module.

local function env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then return default end
  return v
end

local function seconds(text)
  local n, unit = text:match("^(%d+%.?%d*)(m?s?)$")
  if not n then return nil end
  n = tonumber(n)
  if unit == "ms" then return n / 1000 end
  if unit == "m" then return n * 60 end
  return n
end

local CONSUL = env("UPSYNC_CONSUL", "127.0.0.1:8500")
local PREFIX = env("UPSYNC_PREFIX", "upstreams")
local TIMEOUT = seconds(env("UPSYNC_TIMEOUT", "6m"))
local INTERVAL = seconds(env("UPSYNC_INTERVAL", "5s"))
local SLOTS = tonumber(env("UPSYNC_SLOTS", "64"))

local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function b64decode(data)
  data = data:gsub("[^%w%+/=]", "")
  return (data:gsub(".", function(c)
    if c == "=" then return "" end
    local bits, v = "", B64:find(c, 1, true) - 1
    for i = 6, 1, -1 do bits = bits .. ((v >> (i - 1)) & 1) end
    return bits
  end):gsub("%d%d%d?%d?%d?%d?%d?%d?", function(byte)
    if #byte ~= 8 then return "" end
    return string.char(tonumber(byte, 2))
  end))
end

-- A value as the module reads it: the fields it knows, defaults for the rest.
local function parseValue(text)
  local function field(name, default)
    local v = text:match('"' .. name .. '"%s*:%s*(%d+)')
    return v and tonumber(v) or default
  end
  return { weight = field("weight", 1), max_fails = field("max_fails", 2), fail_timeout = field("fail_timeout", 10), down = field("down", 0) }
end

-- Consul's answer: a JSON array of objects with Key and a base64 Value (or null).
local function parseEntries(folder, body)
  local entries = {}
  for object in body:gmatch("%b{}") do
    local key = object:match('"Key"%s*:%s*"([^"]*)"')
    local value = object:match('"Value"%s*:%s*"([^"]*)"')
    local server = key and key:sub(1, #folder) == folder and key:sub(#folder + 1)
    if server and server:match("^%d+%.%d+%.%d+%.%d+:%d+$") then
      entries[server] = parseValue(value and b64decode(value) or "")
    end
  end
  return entries
end

-- Per upstream: slot of each server applied, free slots, and the values applied.
local state = {}
-- Upstreams that Consul has answered for at least once: until all have, the tier is not ready.
local synced = {}

local function upstreamState(name)
  if state[name] then return state[name] end
  local s = { slotOf = {}, free = {}, applied = {} }
  for i = 1, SLOTS do s.free[#s.free + 1] = "s" .. i end
  state[name] = s
  return s
end

-- A slot for a server new to the upstream: its address set while in maintenance.
local function place(backend, s, name, server)
  local slot = table.remove(s.free, 1)
  if not slot then
    core.Alert(string.format("upsync: upstream %s has more than %d servers; %s is not routed", name, SLOTS, server))
    return nil
  end
  local ip, port = server:match("^(.+):(%d+)$")
  backend.servers[slot]:set_maint()
  backend.servers[slot]:set_addr(ip, tonumber(port))
  s.slotOf[server] = slot
  return slot
end

local function apply(name, entries)
  local backend = core.backends[name]
  local s = upstreamState(name)
  for server, slot in pairs(s.slotOf) do
    if not entries[server] then
      backend.servers[slot]:set_maint()
      s.slotOf[server], s.applied[server] = nil, nil
      s.free[#s.free + 1] = slot -- reused last: its old connections have had the longest to finish
    end
  end
  for server, value in pairs(entries) do
    local slot = s.slotOf[server] or place(backend, s, name, server)
    if slot then
      local srv = backend.servers[slot]
      srv:set_weight(tostring(math.max(1, math.min(256, value.weight))))
      if value.down == 1 then srv:set_maint() else srv:set_ready() end
      s.applied[server] = value
    end
  end
end

local function follow(name)
  local client = core.httpclient()
  local folder = PREFIX .. "/" .. name .. "/"
  local index = "0"
  while true do
    local url = string.format("http://%s/v1/kv/%s?recurse&index=%s&wait=%ds", CONSUL, folder, index, math.floor(TIMEOUT))
    local ok, res = pcall(client.get, client, { url = url, timeout = math.floor((TIMEOUT + 10) * 1000) })
    if ok and res and (res.status == 200 or res.status == 404) then
      local header = res.headers and res.headers["x-consul-index"]
      local next = header and header[0] or index
      -- An index that went backwards (Consul restored) starts over, as Consul advises.
      if tonumber(next) < tonumber(index) then next = "0" end
      index = next
      if res.status == 200 then apply(name, parseEntries(folder, res.body or "")) end
      synced[name] = true
      core.msleep(math.floor(INTERVAL * 1000))
    else
      core.Warning(string.format("upsync: %s did not answer (%s); retrying", url, ok and tostring(res and res.status) or tostring(res)))
      index = "0"
      core.msleep(1000)
    end
  end
end

for name in env("UPSYNC_UPSTREAMS", ""):gmatch("[^,%s]+") do
  core.register_task(function() follow(name) end)
end

-- nginx-upsync-module's upstream_show: every server of an upstream the tier holds now.
local function show(name)
  local s = upstreamState(name)
  local lines, count = {}, 0
  local servers = {}
  for server in pairs(s.applied) do servers[#servers + 1] = server end
  table.sort(servers)
  for _, server in ipairs(servers) do
    local v = s.applied[server]
    count = count + 1
    lines[#lines + 1] = string.format("        server %s weight=%d max_fails=%d fail_timeout=%d;\n", server, v.weight, v.max_fails, v.fail_timeout)
  end
  return string.format("Upstream name: %s;Backend server counts: %d\n", name, count) .. table.concat(lines)
end

-- The health check: ready once every upstream has been read, so a new entry container
-- joins the load balancer only when it knows where to send requests.
core.register_service("health", "http", function(applet)
  local ready = true
  for name in env("UPSYNC_UPSTREAMS", ""):gmatch("[^,%s]+") do
    if not synced[name] then ready = false end
  end
  local text = ready and "ok\n" or "upstreams not read yet\n"
  applet:set_status(ready and 200 or 503)
  applet:add_header("content-type", "text/plain")
  applet:add_header("content-length", tostring(#text))
  applet:start_response()
  applet:send(text)
end)

core.register_service("upstream_show", "http", function(applet)
  local wanted = applet.qs and applet.qs:match("upstream=([%w_]+)")
  local body = {}
  for name in env("UPSYNC_UPSTREAMS", ""):gmatch("[^,%s]+") do
    if not wanted or wanted == name then body[#body + 1] = show(name) end
  end
  local text = table.concat(body)
  if wanted and text == "" then
    applet:set_status(404)
    text = "The upstream name you input is not exited,Please check and input again"
  else
    applet:set_status(200)
  end
  applet:add_header("content-type", "text/plain")
  applet:add_header("content-length", tostring(#text))
  applet:start_response()
  applet:send(text)
end)
