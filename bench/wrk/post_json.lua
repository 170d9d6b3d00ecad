-- POST a JSON body read from the file named after "--", with "{{SUBMISSION_ID}}" replaced by
-- an id no other request uses (a distinct respondent each time, as in a rush): the run's
-- salt (the second argument, fresh for every run), the thread's number and a counter.
local body_template
local salt
local counter = 0

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  body_template = file:read("*a")
  file:close()
  salt = tonumber(args[2])
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local id = string.format("%08x-%04x-4000-8000-%012x", salt, thread_number, counter)
  local body = body_template:gsub("{{SUBMISSION_ID}}", id)
  return wrk.format(nil, nil, nil, body)
end
