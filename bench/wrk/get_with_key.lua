-- GET the URL wrk is given, signed in with the API key given after "--" (a dashboard's read).
function init(args)
  wrk.headers["Authorization"] = "Bearer " .. args[1]
end
