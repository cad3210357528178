{{- define "image-agent.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "image-agent.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "image-agent.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "image-agent.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "image-agent.fullname" .)) -}}
{{- end -}}

{{- define "image-agent.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}{{ include "image-agent.fullname" . }}{{- else -}}default{{- end -}}
{{- end -}}

{{- define "image-agent.gpuTaskQueue" -}}{{ .Values.temporal.taskQueue }}-gpu{{- end -}}

{{- /* The origin (scheme://host[:port]) of temporal.uiUrl, as a browser sends it in Origin. */}}
{{- define "image-agent.uiOrigin" -}}
{{- $u := urlParse .Values.temporal.uiUrl -}}
{{- printf "%s://%s" (lower $u.scheme) (lower $u.host) -}}
{{- end -}}

{{- /* Where browsers reach the API: its ingress, or the port-forward NOTES.txt prints. */}}
{{- define "image-agent.apiPublicUrl" -}}
{{- if .Values.api.ingress.enabled -}}https://{{ .Values.api.ingress.host }}{{- else -}}http://localhost:8080{{- end -}}
{{- end -}}

{{- /* The codec endpoint the Temporal UI's browser pages call: /codec on the API (client/api/codecServer.ts). */}}
{{- define "image-agent.codecEndpoint" -}}
{{- .Values.temporalUi.codecEndpoint | default (printf "%s/codec" (include "image-agent.apiPublicUrl" .)) -}}
{{- end -}}

{{- /* A worker's node flags for its memory budget (workers/workerMemory.ts); fails when two heaps and the native
       share do not fit the container's memory limit, which would end in an OOM kill under load. */}}
{{- define "image-agent.workerNodeArgs" -}}
{{- $m := .values.memory -}}
{{- $limit := toString (dig "limits" "memory" "" .values.resources) -}}
{{- $limitMi := 0 -}}
{{- if hasSuffix "Gi" $limit }}{{ $limitMi = mul (trimSuffix "Gi" $limit | int) 1024 }}{{ else if hasSuffix "Mi" $limit }}{{ $limitMi = trimSuffix "Mi" $limit | int }}{{ end -}}
{{- $needMi := add (mul 2 (add $m.heapMb (mul 3 $m.semiSpaceMb))) 300 -}}
{{- if and (gt (int $limitMi) 0) (gt (int $needMi) (int $limitMi)) -}}
{{- fail (printf "%s.memory: two V8 heaps of %v MB (+3 × %v MB young generation) and ~300 MB native need %v Mi, more than its memory limit %s" .name $m.heapMb $m.semiSpaceMb $needMi $limit) -}}
{{- end -}}
{{ printf "--max-old-space-size=%v" $m.heapMb | quote }}, {{ printf "--min-semi-space-size=%v" $m.semiSpaceMb | quote }}, {{ printf "--max-semi-space-size=%v" $m.semiSpaceMb | quote }}
{{- end -}}
